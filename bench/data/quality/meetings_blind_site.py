"""A blind hand-written test meeting: a school extension's weekly site progress meeting (written.py).

Written by a helper that read neither the other test meetings nor the notes engine, from the same brief as
the earlier blind meetings: written as people on a site talk (fillers, false starts, interruptions, owners
visible only from who answers, decisions said in passing, numbers and dates in words and digits), facts
spread through the whole meeting, and the traps of the set: an owner reassigned later, a number corrected,
a decision reversed, a date moved, a person mentioned but not responsible, small talk. Fact rows: (id,
section, line piece, keywords, owner, due, superseded, wrong_owner, exclude); question rows: (id, kind,
fact line piece, asked after the line with this piece, question, answers, wrong).
"""

from __future__ import annotations

from written import Written

RAIN = "we've lost six working days to the rain since the last progress meeting"
NOTICE = "I'll do the notice myself, with the rain gauge readings"
STEEL = "they've now promised the steel for Wednesday the seventeenth"
CRANE = "The crane's now coming Saturday the twentieth"
DEREK = "Yeah, I'll tell Derek. Seven o'clock, clear."
MADE_GROUND = "we hit made ground. Rubble, old bricks"
DEPTH = "Two point four metres, on the corner."
VARIATION = "The extra dig and the concrete is nine thousand one hundred and fifty"
INSTRUCTION = "I'll sign the instruction for the nine one five oh"
DRAINAGE = "Building control are coming Thursday the eleventh for the drainage inspection"
GANG = "we'll get the second gang in from Monday on the south elevation"
BANKSMAN = "No delivery lorry reverses onto this site without a banksman on the gate"
TOOLBOX = "I'll run the toolbox talk on deliveries and reversing"
COMPLAINT = "Mrs. Okonjo, number twelve, the house right up against the back fence"
QUIET = "no breaker and no noisy work before eight"
CERTS = "you'll have the test certificates by Friday the twenty-sixth of June"
BOILER = "Whether the existing school boiler's got the capacity for the new block"
FIRE_REGS = "has to be non-combustible"
CLADDING = "the cladding is the fibre cement, not the timber"
CONTINGENCY = "twenty-two thousand six hundred left in the contingency"
CANOPY_COST = "It was about, what was it, fourteen thousand?"
CANOPY = "Whether the governors pay for the canopy out of their own budget"
HANDOVER = "So we're moving handover to Friday the twenty-eighth of August"
LETTER = "I'll put a letter through her door and the other houses on the back lane"

BUILDING_SITE = Written(
    name="building_site", split="test", minutes=25,
    title="Brookfield Primary classroom block: weekly site progress meeting (steel, ground, safety, neighbours, handover)",
    speakers=["Gareth", "Niamh", "Colin", "Dariusz", "Shona", "Femi"],
    transcript="bench/data/quality/building_site.txt",
    facts=[
        ("rain_days", "number", RAIN, [["rain", "weather", "washout*"], ["6"]], None, None, [], [], []),
        ("steel_date", "date", STEEL, [["steel", "frame"], ["17"]], None, None, [], [], []),
        # Moved: booked for the twelfth, now the twentieth.
        ("crane_day", "date", CRANE, [["crane"], ["20", "saturday"]], None, None, ["12"], [], ["letter"]),
        # Corrected: 8400 was the old sheet (dug to 1.8 m); 9150 all in.
        ("variation_cost", "number", VARIATION,
         [["variation", "dig", "concrete", "foundation*", "footing*", "east corner", "ground"], ["9150"]],
         None, None, ["8400"], [], []),
        ("variation_instruction", "action", INSTRUCTION, [["instruction"]], "Colin", ["friday"], [], [], []),
        ("drainage_inspection", "date", DRAINAGE, [["drain*", "building control"], ["11", "thursday"]],
         None, None, [], [], []),
        ("second_gang", "decision", GANG,
         [["gang", "brickie*", "bricklayer*"], ["second", "2", "extra", "another"]], None, None, [], [], []),
        ("banksman", "decision", BANKSMAN, [["banksman", "banksmen"]], None, None, [], [], ["toolbox"]),
        ("toolbox_talk", "action", TOOLBOX, [["toolbox", "safety talk"]], "Femi", ["tuesday"], [], [], []),
        ("quiet_mornings", "decision", QUIET, [["breaker", "noisy", "noise"], ["8"]], None, None, [], [], []),
        # Kyle does the testing; Shona signs and sends the certificates.
        ("test_certs", "action", CERTS, [["certificate*", "certs"]], "Shona", ["june 26", "26"], [], ["Kyle"], []),
        ("boiler_open", "open", BOILER, [["boiler"]], None, None, [], [], []),
        # Reversed: "timber cladding it is", then the fire engineer on the boundary.
        ("cladding", "decision", CLADDING, [["cladding", "boards", "gable"], ["fibre cement", "fiber cement", "cement"]],
         None, None, ["timber", "larch"], [], []),
        ("contingency", "number", CONTINGENCY, [["contingency"], ["22600"]], None, None, [], [], []),
        ("canopy_open", "open", CANOPY, [["canopy"]], None, None, [], [], []),
        # Moved: the fourteenth of August held at the start, the twenty-eighth at the end.
        ("handover", "date", HANDOVER, [["handover", "hand over", "completion"], ["august 28"]],
         None, None, ["august 14"], [], []),
        # Reassigned: Dariusz offered to go round, then Gareth takes it.
        ("neighbour_letter", "action", LETTER,
         [["letter", "leaflet*", "note"], ["neighbour*", "okonjo", "houses", "back lane", "door*"]],
         "Gareth", ["monday"], [], ["Dariusz"], []),
    ],
    questions=[
        # In the window: 40-300 words after the fact line.
        ("rain.how_much.in", "how_much", RAIN, "I'm writing down just about",
         "How many working days were lost to the rain since the last meeting?", [["6"]], []),
        ("notice.who.in", "who", NOTICE, "Don't write maybe. Right. The steel.",
         "Who is sending the architect the formal notice about the rain days?", [["Gareth"]], []),
        ("steel.when.in", "when", STEEL, "Tell him we need the car park clear from seven",
         "When is the steel for the link corridor now due?", [["17"]], []),
        ("steel.why.in", "why", STEEL, "Where the outriggers go, yeah",
         "Why was the steel for the link corridor late?", [["galvanis*"]], []),
        ("crane.when.in", "when", CRANE, "I'll make sure he knows about the soakaway",
         "When is the crane coming to lift the link frame?", [["20"]], ["12"]),
        ("derek.who.in", "who", DEREK, "The governors loved the timber. Loved it.",
         "Who will Colin tell about the car park closure on the crane day?", [["Derek"]], []),
        ("depth.how_much.in", "how_much", DEPTH, "Eight four. Okay.",
         "How deep did they have to dig on the east corner?", [["2.4"]], ["1.2"]),
        ("variation.how_much.in", "how_much", VARIATION, "building control want to see the drainage",
         "How much is the variation for the extra dig and concrete on the east corner?", [["9150"]], ["8400"]),
        ("instruction.who.in", "who", INSTRUCTION, "He is fussy about the bedding. And the joints.",
         "Who will sign the instruction for the extra foundation work?", [["Colin"]], []),
        ("drainage.when.in", "when", DRAINAGE, "I can bring a second gang in.",
         "When is building control coming to inspect the drainage?", [["11"]], []),
        ("gang.what.in", "what", GANG, "Windows, quickly, before Femi",
         "What did they decide to do about the brickwork falling behind?", [["gang"]], []),
        ("banksman.what.in", "what", BANKSMAN, "And I want a proper talk on it for the whole site",
         "What is the new rule for delivery lorries reversing onto the site?", [["banksman"]], []),
        ("toolbox.who.in", "who", TOOLBOX, "I'll ring every supplier myself if I have to",
         "Who is running the toolbox talk on deliveries?", [["Femi"]], []),
        ("toolbox.when.in", "when", TOOLBOX, "Football after. Neighbours.",
         "When is the toolbox talk on deliveries and reversing?", [["tuesday"]], []),
        ("complaint.why.in", "why", COMPLAINT, QUIET,
         "Why is the neighbour at number twelve unhappy about the breaker starting at seven?",
         [["nights", "hospital"]], []),
        ("quiet.what.in", "what", QUIET, "Tell her summer. Tell her summer",
         "From what time can noisy work start on site now?", [["8"]], ["7"]),
        ("certs.who.in", "who", CERTS, "I'll chase the mechanical lot. Again.",
         "Who will send the test certificates for the temporary supply?", [["Shona"]], ["Kyle"]),
        ("certs.when.in", "when", CERTS, "I had a call from the fire engineer yesterday",
         "When will the test certificates for the temporary supply be sent?", [["june 26", "26"]], []),
        ("boiler.what.in", "what", BOILER, "Go on. Drive safe.",
         "What is still unresolved about the school boiler?", [["capacity", "radiators"]], []),
        ("cladding.what.in", "what", CLADDING, "Colin, you were doing the contingency",
         "Which cladding was finally chosen for the link and the north gable?", [["cement"]], ["timber", "larch"]),
        ("cladding.why.in", "why", FIRE_REGS, "Even better, then. Nobody can complain.",
         "Why can the north gable not have timber cladding?", [["boundary", "combustible"]], []),
        ("contingency.how_much.in", "how_much", CONTINGENCY, "The covered canopy over the playground entrance",
         "How much is left in the contingency?", [["22600"]], ["40000"]),
        ("canopy.how_much.in", "how_much", CANOPY_COST, "I'll know more after the governors",
         "Roughly how much would the playground canopy cost?", [["14000"]], []),
        ("handover.when.in", "when", HANDOVER, "Same letter, one envelope.",
         "What is the new handover date?", [["august 28"]], ["august 14"]),
        ("handover.why.in", "why", HANDOVER, "Snagging the week before handover",
         "Why was the handover date moved?", [["rain", "steel", "link corridor"]], []),
        ("letter.who.in", "who", LETTER, "we're getting charged for the mixed ones",
         "Who will write to the neighbours on the back lane?", [["Gareth"]], ["Dariusz"]),
        ("letter.when.in", "when", LETTER, "Any other business? Femi?",
         "When will the letter to the neighbours go out?", [["monday"]], []),
        # Evicted: 1600+ words after the fact line (early facts asked about late).
        ("rain.how_much.evicted", "how_much", RAIN, COMPLAINT,
         "How many working days were lost to the rain since the last meeting?", [["6"]], []),
        ("notice.who.evicted", "who", NOTICE, "Same letter, one envelope.",
         "Who is sending the architect the formal notice about the rain days?", [["Gareth"]], []),
        ("steel.when.evicted", "when", STEEL, "The big one. Handover.",
         "When is the steel for the link corridor now due?", [["17"]], []),
        ("steel.why.evicted", "why", STEEL, "Colin, you were doing the contingency",
         "Why was the steel for the link corridor late?", [["galvanis*"]], []),
        ("crane.when.evicted", "when", CRANE, "Right, I'm off. Sorry. Dentist.",
         "When is the crane coming to lift the link frame?", [["20"]], ["12"]),
        ("crane.what.evicted", "what", CRANE, "who broke the tea urn",
         "What has to be closed all day for the crane lift?", [["car park"]], []),
        ("derek.who.evicted", "who", DEREK, CANOPY,
         "Who will Colin tell about the car park closure on the crane day?", [["Derek"]], []),
        ("depth.how_much.evicted", "how_much", DEPTH, "Or the boiler.",
         "How deep did they have to dig on the east corner?", [["2.4"]], ["1.2"]),
        ("made_ground.why.evicted", "why", MADE_GROUND, "Or the boiler.",
         "Why did the footings on the east corner have to go deeper?", [["made ground", "rubble"]], []),
        ("variation.how_much.evicted", "how_much", VARIATION, "These come grey, Dariusz.",
         "How much is the variation for the extra dig and concrete on the east corner?", [["9150"]], ["8400"]),
        ("instruction.who.evicted", "who", INSTRUCTION, "My mobile. Fine.",
         "Who will sign the instruction for the extra foundation work?", [["Colin"]], []),
        ("instruction.when.evicted", "when", INSTRUCTION, "I'll put a sign on it. A big one.",
         "By when will the signed variation instruction be returned?", [["friday"]], []),
        ("drainage.when.evicted", "when", DRAINAGE, "One minute is all it takes",
         "When is building control coming to inspect the drainage?", [["11"]], []),
        ("gang.what.evicted", "what", GANG, "Tell her it's all in the wrist",
         "What did they decide to do about the brickwork falling behind?", [["gang"]], []),
        ("gang.when.evicted", "when", GANG, "Bring your own mugs",
         "When does the second bricklaying gang start?", [["monday"]], []),
    ],
    nevers=[
        ("Who is the quantity surveyor on the project?", ["quantity surveyor", "surveyor", "qs"]),
        ("How much are the liquidated damages per week if handover is late?", ["liquidated", "damages"]),
        ("When is the asbestos survey of the old boiler house?", ["asbestos"]),
        ("Which company is supplying the solar panels for the roof?", ["solar", "photovoltaic", "pv"]),
        ("How many parking spaces will the new block add?", ["parking", "spaces"]),
        ("What flooring was chosen for the classrooms?", ["flooring", "vinyl", "carpet", "lino"]),
        ("How much does the landscaping around the new block cost?", ["landscaping", "landscape", "turf"]),
        ("When is the fire alarm system being commissioned?", ["alarm", "alarms"]),
        ("Who is supplying the furniture for the new classrooms?", ["furniture", "desks"]),
    ],
    noise=[
        ("sausage_roll", "whose is the sausage roll on the dumper seat", [["sausage"]]),
        ("duck", "With a duck on it.", [["duck"]]),
        ("wrexham", "Did anyone see Wrexham on Saturday", [["wrexham"]]),
        ("tea_urn", "who broke the tea urn", [["urn"]]),
        ("sports_day", "it's sports day at my daughter's school", [["sports day", "egg and spoon"]]),
    ],
)  # fmt: skip

MEETINGS = [BUILDING_SITE]
