"""A blind hand-written test meeting (written.py): a village parish council's monthly meeting.

Written by a helper that read neither the notes engine nor the other test meetings, as people talk:
fillers, false starts, owners visible only from who answers, decisions said in passing, numbers in words.
Traps: the rope bridge repair quote corrected (nineteen hundred -> two thousand four hundred); the
allotment rent proposed at forty-five and settled at forty; the speed sign decision reversed (buy our
own -> share it with Little Brampton); the Christmas lights switch-on date moved (November 29 ->
December 6); the roof grant bid reassigned (Sunita offers, then Alan takes it); people mentioned but not
responsible (Dennis offers to fix the post, PCSO Nadia lends the radar gun); two matters left open (the
roof insurance claim, the power supply for the tree); small talk (flapjack, a knee, the rugby, the panto
genie, karaoke). Facts are spread over the whole meeting and early ones are asked about late.
Fact rows: (id, section, line piece, keywords, owner, due, superseded, wrong_owner, exclude); question
rows: (id, kind, fact line piece, asked after the line with this piece, question, answers, wrong).
"""

from __future__ import annotations

from written import Written

BRIDGE = "the rope bridge is closed till it's fixed"
QUOTE = "it's two thousand four hundred now for the whole repair"
ORDER = "I'll ring Timberplay first thing Monday"
RENT = "the allotment rent goes up to forty pounds a full plot"
LETTERS = "I'll have the letters out by the first of December"
AVERAGE = "The average was thirty-six, in a thirty"
SIGN = "We share the sign with Little Brampton, half the cost"
SIGN_COST = "Our half would be one thousand seven hundred and fifty"
RADAR = "She'll lend us the radar gun and do the training session"
SPEEDWATCH = "I'll get a rota sorted and out to the six volunteers by Friday"
ROOF = "The quote for the whole back slope is fourteen thousand eight hundred"
INSURANCE = "we still haven't heard whether the insurer will cover"
GRANT = "So the grant bid is mine"
OBJECT = "We object, on the access and on the flooding"
SUBMIT = "I'll draft the objection and send it round tomorrow"
PRECEPT_WHY = "Costs are up everywhere, the insurance, the grass, the electricity"
PRECEPT = "Shall we agree twenty-seven thousand as the draft"
LIGHTS = "So the switch-on moves to Saturday the sixth of December"
POWER = "there's no power supply sorted for the tree"
GRASS = "GreenEdge, three thousand one hundred a year, on a three-year contract"

PARISH_COUNCIL = Written(
    name="parish_council", split="test", minutes=25,
    title="Parish council, November meeting (playground, speeding and a speed sign, village hall roof, allotments, "
          "planning, precept, Christmas lights, grass cutting)",
    speakers=["Margaret", "Alan", "Gareth", "Fiona", "Colin", "Sunita"],
    transcript="bench/data/quality/parish_council.txt",
    facts=[
        ("bridge_closed", "decision", BRIDGE,
         [["bridge"], ["clos*", "tape*", "shut", "fenced"]], None, None, [], [], []),
        # Corrected: nineteen hundred was the first visit, before the rotten post was found.
        ("bridge_quote", "number", QUOTE,
         [["quote*", "repair*", "bridge", "timberplay", "post", "price", "cost*"], ["2400"]], None, None, ["1900"], [], []),
        # Dennis offered to fix the post himself; Gareth rings the contractor.
        ("bridge_order", "action", ORDER,
         [["timberplay", "rope bridge", "bridge", "playground"]], "Gareth", ["monday"], [], ["Dennis"], []),
        # Proposed at forty-five, settled at forty.
        ("allotment_rent", "number", RENT,
         [["allotment*", "plot*", "rent*"], ["40"]], None, None, ["45"], [], []),
        ("allotment_letters", "action", LETTERS,
         [["letter*", "write", "writing", "notice*", "notif*", "tell*", "inform*"],
          ["plot*", "allotment*", "tenant*", "holder*", "rent*"]],
         "Fiona", ["december 1", "december the 1"], [], [], []),
        # Reversed: "so we buy our own", then Little Brampton's offer to go halves.
        ("speed_sign", "decision", SIGN,
         [["sign", "sid"], ["brampton", "share*", "shared", "halves", "swap*", "rotat*"]],
         None, None, ["buy our own"], [], []),
        ("sign_cost", "number", SIGN_COST,
         [["sign", "half", "share", "cost*"], ["1750"]], None, None, [], [], []),
        # PCSO Nadia lends the radar gun and trains; the organising is Colin's.
        ("speedwatch", "action", SPEEDWATCH,
         [["speedwatch", "speed watch", "rota", "volunteers"]], "Colin", ["friday"], [], ["Nadia"], []),
        ("roof_quote", "number", ROOF,
         [["roof", "slope", "hall", "harwood"], ["14800"]], None, None, [], [], []),
        ("roof_insurance", "open", INSURANCE,
         [["insur*", "claim", "adjuster"]], None, None, [], [], []),
        # Reassigned: Sunita offered, then remembered she is away for three weeks.
        ("roof_grant", "action", GRANT,
         [["grant", "community fund", "bid"]], "Alan", ["28", "end of the month"], [], ["Sunita"], []),
        ("planning_objection", "decision", OBJECT,
         [["object*"], ["access", "flood*", "orchard", "houses", "planning", "application"]], None, None, [], [], []),
        ("planning_submit", "action", SUBMIT,
         [["objection", "object*"]], "Alan", ["monday", "19"], [], [], []),
        ("precept", "number", PRECEPT,
         [["precept", "draft", "budget"], ["27000"]], None, None, [], [], []),
        # Moved: the switch-on was Saturday the twenty-ninth of November.
        ("lights_date", "date", LIGHTS,
         [["switch on", "lights"], ["december 6"]], None, None, ["november 29"], [], []),
        ("lights_power", "open", POWER,
         [["power", "supply", "red lion", "pub", "electric*", "socket"]], None, None, [], [], []),
        ("grass_contract", "decision", GRASS,
         [["grass", "mow*", "cutting", "contract*"], ["greenedge", "green edge"]], None, None, [], [], []),
    ],
    questions=[
        # In the window (40-300 words after the fact).
        ("bridge.what.in", "what", BRIDGE, "From Timberplay, because they put the frame in originally",
         "What did they decide about the rope bridge?", [["clos*", "tape*", "shut", "fenced", "off limits"]], []),
        ("bridge.why.in", "why", BRIDGE, "That's within the playground reserve",
         "Why is the rope bridge being closed?", [["rot*", "board*", "post*", "moving", "moves", "unsafe", "sway*"]], []),
        ("quote.how_much.in", "how_much", QUOTE, "Everyone happy to go with Timberplay at that price?",
         "How much will the rope bridge repair cost?", [["2400"]], ["1900"]),
        ("order.who.in", "who", ORDER, "Can we take allotments next",
         "Who's ringing Timberplay to go ahead with the repair?", [["Gareth"]], ["Dennis"]),
        ("rent.how_much.in", "how_much", RENT, "I've got a tin of oil somewhere",
         "How much will a full allotment plot cost from next October?", [["40"]], ["45", "35"]),
        ("letters.when.in", "when", LETTERS, "The physio says it's my age",
         "By when do the letters go out to the plot holders?", [["december 1", "december the 1"]], []),
        ("sign.what.in", "what", SIGN, "The other one's Speedwatch",
         "What did they decide about the speed indicator sign?",
         [["brampton", "share*", "shared", "halves", "swap*", "rotat*"]], ["buy our own"]),
        ("sign.why.in", "why", SIGN, "It's a radar gun, it looks just like a hairdryer",
         "Why did they go for sharing the sign rather than buying one outright?",
         [["half", "cost*", "cheap*", "better", "moving", "move*"]], []),
        ("sign_cost.how_much.in", "how_much", SIGN_COST, "Third letter, they get a knock on the door",
         "How much is the village's share of the speed sign?", [["1750"]], ["3500"]),
        ("speedwatch.who.in", "who", SPEEDWATCH, "The roof. After that storm in October",
         "Who's organising the Community Speedwatch?", [["Colin"]], ["Nadia"]),
        ("roof.how_much.in", "how_much", ROOF, "Which is why I think we go for the district's community fund",
         "How much is the quote for the village hall roof?", [["14800"]], []),
        ("insurance.what.in", "what", INSURANCE, "I'll do it. Honestly, it's mostly figures",
         "What's still unresolved about the roof insurance?",
         [["insur*", "claim", "adjuster"], ["storm", "damage", "cover*", "pay*"]], []),
        ("grant.who.in", "who", GRANT, "Right, planning. We've only had the one application in",
         "Who's doing the community fund grant bid for the hall roof?", [["Alan", "clerk"]], ["Sunita"]),
        ("grant.when.in", "when", GRANT, "The land behind Orchard Lane",
         "When does the grant bid have to be in?", [["28", "end of the month"]], []),
        ("planning.what.in", "what", OBJECT, "Oh, the picnic one.",
         "What's the council's position on the Orchard Lane houses?", [["object*", "against", "oppos*"]], []),
        ("planning.why.in", "why", OBJECT, "Which brings us, joy of joys, to the precept",
         "Why are they objecting to the planning application?",
         [["access", "flood*", "lane", "road", "drainage", "traffic"]], []),
        ("submit.when.in", "when", SUBMIT, "What's that per household?",
         "When is the objection going in to the district?", [["monday"]], []),
        ("precept.why.in", "why", PRECEPT_WHY, "There'll be a letter. But yes.",
         "Why does the precept need to go up?",
         [["cost*", "insurance", "electricity", "playground", "grass", "inflation"]], []),
        ("precept.how_much.in", "how_much", PRECEPT, "We'd said Saturday the twenty-ninth of November",
         "What precept did they agree for next year?", [["27000"]], ["25200"]),
        ("lights.when.in", "when", LIGHTS, "And who's doing Father Christmas this year?",
         "When is the Christmas lights switch-on now?", [["december 6"]], ["november 29"]),
        ("lights.why.in", "why", LIGHTS, "The WI are doing the mince pies",
         "Why was the switch-on moved?", [["electrician", "test*", "certificate", "cable", "safety"]], []),
        ("power.what.in", "what", POWER, "And how many of the old bulbs actually still work?",
         "What's still not sorted for the Christmas tree on the green?",
         [["power", "supply", "red lion", "pub", "cable", "electric*", "socket"]], []),
        ("grass.what.in", "what", GRASS, "The contract runs from the first of March",
         "Which firm got the grass cutting contract?", [["greenedge", "green edge"]], ["hollis", "marsh"]),
        ("grass.how_much.in", "how_much", GRASS, "I've seen their certificates",
         "How much will the new grass cutting contract cost a year?", [["3100"]], ["3900", "4600"]),
        ("grass.why.in", "why", GRASS, "The glass on the noticeboard by the shop",
         "Why did they pick GreenEdge over Hollis?", [["verge*", "cheap*", "3100", "price*", "cost*"]], []),
        # Evicted (1600+ words after the fact).
        ("bridge.what.evicted", "what", BRIDGE, "Which brings us, joy of joys, to the precept",
         "What's happening with the rope bridge until it's repaired?",
         [["clos*", "tape*", "shut", "fenced", "off limits"]], []),
        ("bridge.why.evicted", "why", BRIDGE, "Band D, it works out at about four pounds",
         "Why was the rope bridge taped off?", [["rot*", "board*", "post*", "moving", "moves", "unsafe", "sway*"]], []),
        ("quote.how_much.evicted", "how_much", QUOTE, "Is there any more of that flapjack?",
         "What's the price for fixing the rope bridge?", [["2400"]], ["1900"]),
        ("order.who.evicted", "who", ORDER, "I rang the head today.",
         "Who is getting Timberplay to start the playground repair?", [["Gareth"]], ["Dennis"]),
        ("order.when.evicted", "when", ORDER, "The power, yes. The tree's going on the green",
         "When will Timberplay be told to go ahead?", [["monday"]], []),
        ("rent.how_much.evicted", "how_much", RENT, "So let's just go with the second one.",
         "What will the rent be for a full allotment plot?", [["40"]], ["45", "35"]),
        ("letters.who.evicted", "who", LETTERS, "The contract runs from the first of March",
         "Who's writing to the allotment holders about the rent rise?", [["Fiona"]], []),
        ("average.how_much.evicted", "how_much", AVERAGE, "I've seen their certificates",
         "What was the average speed in the county's traffic count?", [["36"]], ["70"]),
        ("sign.what.evicted", "what", SIGN, "Can I just mention the streetlight",
         "What's the plan for the speed indicator sign?",
         [["brampton", "share*", "shared", "halves", "swap*", "rotat*"]], ["buy our own"]),
        ("sign.why.evicted", "why", SIGN, "Then report it a fourth time.",
         "Why are they sharing the speed sign instead of buying their own?",
         [["half", "cost*", "cheap*", "better", "moving", "move*"]], []),
        ("sign_cost.how_much.evicted", "how_much", SIGN_COST, "Forty minutes of the same bit of Vivaldi",
         "What's the parish's half of the speed sign going to cost?", [["1750"]], ["3500"]),
        ("radar.who.evicted", "who", RADAR, "We are not mentioning last year.",
         "Who is lending the Speedwatch group the radar gun?", [["Nadia", "pcso", "police"]], []),
        ("speedwatch.who.evicted", "who", SPEEDWATCH, "Singing was your idea, Colin.",
         "Who's running the Speedwatch rota?", [["Colin"]], ["Nadia"]),
        ("speedwatch.when.evicted", "when", SPEEDWATCH, "You said you'd deleted that.",
         "When does the Speedwatch rota go out to the volunteers?", [["friday"]], []),
        ("roof.how_much.evicted", "how_much", ROOF, "Date of the next meeting is Tuesday the ninth",
         "How much did Harwood quote for the hall roof?", [["14800"]], []),
    ],
    nevers=[
        ("Who's checking the defibrillator this month?", ["defibrillator", "defibrillators", "defib"]),
        ("How much will the new bus shelter cost?", ["shelter", "shelters"]),
        ("When is the next village litter pick?", ["litter"]),
        ("What did they decide about cleaning the war memorial?", ["memorial"]),
        ("Which footpath is getting a new stile?", ["footpath", "footpaths", "stile", "stiles"]),
        ("Who's laying the parish wreath on Remembrance Sunday?", ["remembrance", "wreath", "wreaths", "poppy", "poppies"]),
        ("Why was the pond clearance put off?", ["pond", "ponds"]),
        ("How many new dog bins are going in by the playground?", ["bin", "bins", "dog waste"]),
        ("When does the next parish newsletter come out?", ["newsletter", "newsletters"]),
    ],
    noise=[
        ("flapjack", "there's flapjack on the side", [["flapjack*"]]),
        ("knee", "And how's the knee, Colin?", [["knee"]]),
        ("rugby", "Did anyone watch the rugby on Saturday", [["rugby"]]),
        ("genie", "Don't ask who's playing the genie", [["genie"]]),
        ("karaoke", "not the place with the karaoke", [["karaoke"]]),
    ],
)  # fmt: skip

MEETINGS = [PARISH_COUNCIL]
