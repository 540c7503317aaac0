"""Blind hand-written test meeting: a town charity half-marathon and 10k committee, eight weeks out (written.py).

Written by a helper that read neither the notes engine nor the other test meetings, as people talk in a
meeting: fillers, false starts, interruptions, owners visible only from who answers, decisions said in
passing ("Fine, do that then", "that's a no on the fun run"), numbers and dates in words and digits.
Traps: the half-marathon entries corrected on the spot (680 was last week's export, 712); the cupless water
stations agreed early and reversed after the race doctor's objection (paper cups); the safety advisory group
reassigned from Martin to Hamish (a graduation); the marshal briefing moved from Tuesday the ninth to
Thursday the eleventh of September (the hall is double booked); people mentioned but not responsible (Nadia
at the council processes the traffic plan Martin sends, Lorraine sends Declan the logo, Kev of the running
club "said he'd ask", Martin declines the residents' letter); two things left open (the bus diversion, a
second ambulance); small talk (flapjacks, the quiz, an MOT, a hedgehog). Early facts are asked about late.
Fact rows: (id, section, line piece, keywords, owner, due, superseded, wrong_owner, exclude); question rows:
(id, kind, fact line piece, asked after the line with this piece, question, answers, wrong).
"""

from __future__ import annotations

from written import Written

RACE_DATE = "Race day is Sunday the fourteenth of September"
HALF_ENTRIES = "It's seven hundred and twelve for the half"
TENK_ENTRIES = "the 10k is on four hundred and thirty-six"
START_TIMES = "10k goes at nine forty-five"
TRAFFIC_PLAN = "I'll send the traffic plan over by Friday"
BUS = "we still don't know which, they've not come back to us"
SPONSOR = "they've confirmed four thousand pounds"
LOGOS = "I'll get all the logos over to the printer by Wednesday"
MARSHALS = "we need ninety marshals on the day"
CALLOUT = "I'll email the rugby club and the scouts myself tomorrow"
GRADUATION = "That's Ellie's graduation"
SAG = "I'll go to the safety advisory group. Honestly"
CUPLESS_OBJECTION = "He's really not happy about going cupless"
CUPS = "we go back to cups, but paper cups"
AMBULANCE = "whether we can afford a second ambulance"
CHIPS_LOST = "We lost sixty-one of them last year"
CHIPS = "Let's just go with the bib chips"
MEDALS = "Thirteen hundred medals"
MEDALS_DATE = "So now it's the twenty-ninth"
SPLIT = "sixty to the hospice, forty to the food bank"
FUN_RUN_MARSHALS = "it needs another twelve marshals"
FUN_RUN = "that's a no on the fun run this year"
BRIEFING = "so the marshal briefing is now Thursday the eleventh"
LETTER = "I'll do the residents' letter"
LAST = "Take it. Take the tin"

BUS_ANSWER = [["divert*", "depot", "mill lane", "know", "answer*", "repl*", "come back", "heard"]]
AMBULANCE_ANSWER = [["price*", "quot*", "cost*", "afford*", "know*", "money", "redline"]]

RACE_COMMITTEE = Written(
    name="race_committee", split="test", minutes=25,
    title="Town charity half-marathon and 10k: organising committee, eight weeks before race day",
    speakers=["Gwen", "Martin", "Sunita", "Declan", "Fran", "Hamish"],
    transcript="bench/data/quality/race_committee.txt",
    facts=[
        ("race_date", "date", RACE_DATE,
         [["race", "half", "event", "10k"], ["september 14", "14"]], None, None, [], [], []),
        # Corrected: 680 was last week's export.
        ("half_entries", "number", HALF_ENTRIES,
         [["half", "entr*", "runner*", "sign*", "registered"], ["712"]], None, None, ["680"], [], []),
        # Nadia at the council processes it; Martin sends it.
        ("traffic_plan", "action", TRAFFIC_PLAN, [["traffic plan", "traffic management", "tmp"]],
         "Martin", ["friday", "july 25", "25"], [], ["Nadia"], []),
        ("bus_open", "open", BUS, [["bus*", "number 7", "route 7"]], None, None, [], [], []),
        ("sponsor", "number", SPONSOR, [["harper*", "sponsor*", "headline"], ["4000"]], None, None, [], [], []),
        # Lorraine sends Declan the logo; Declan sends them all to the printer.
        ("logos", "action", LOGOS, [["logo*"]], "Declan", ["wednesday"], [], ["Lorraine"], []),
        ("marshals_needed", "number", MARSHALS, [["marshal*"], ["90"]], None, None, [], [], []),
        # Kev "said he'd ask"; Sunita does it.
        ("marshal_callout", "action", CALLOUT, [["rugby", "scout*"]],
         "Sunita", ["tomorrow", "tuesday", "july 22", "22"], [], ["Kev"], []),
        # Reassigned: Martin said he'd go, then remembered the graduation.
        ("safety_group", "action", SAG, [["safety advisory", "sag", "advisory"]],
         "Hamish", ["31", "thursday", "july 31"], [], ["Martin"], []),
        # Reversed: "Cupless. Lovely." early, then the race doctor's objection.
        ("paper_cups", "decision", CUPS, [["paper", "compostable"], ["cup*", "water*"]],
         None, None, ["cupless"], [], []),
        ("ambulance_open", "open", AMBULANCE, [["ambulance*"]], None, None, [], [], []),
        ("bib_chips", "decision", CHIPS,
         [["chip*"], ["bib*", "disposable", "single use", "race number*"]], None, None, [], [], []),
        ("medals", "number", MEDALS, [["medal*"], ["1300"]], None, None, [], [], []),
        ("charity_split", "decision", SPLIT,
         [["hospice", "food bank", "split", "charit*"], ["60"], ["40"]], None, None, [], [], []),
        ("fun_run", "decision", FUN_RUN,
         [["fun run", "kids race", "kids run", "children race"],
          ["no", "not", "drop*", "cancel*", "scrap*", "next year", "skip*", "without"]],
         None, None, [], [], []),
        # Moved: Tuesday the ninth of September, the hall double booked.
        ("briefing_date", "date", BRIEFING, [["briefing"], ["september 11", "11", "thursday"]],
         None, None, ["september 9", "tuesday"], [], []),
        # Martin: "Not me this year"; Fran takes it.
        ("residents_letter", "action", LETTER, [["letter*", "leaflet*", "resident*"]],
         "Fran", ["august 8", "8", "friday"], [], ["Martin"], []),
    ],
    questions=[
        # In the window (40-300 words after the fact line).
        ("race.when.in", "when", RACE_DATE, "Um, so, entries. Let me just find the",
         "When is race day?", [["september 14", "14"]], []),
        ("entries.how_much.in", "how_much", HALF_ENTRIES, "That too. That's definitely part of it.",
         "How many people have entered the half marathon so far?", [["712"]], ["680"]),
        ("tenk.how_much.in", "how_much", TENK_ENTRIES, "I will actually kill you.",
         "How many entries has the 10k got at the moment?", [["436"]], []),
        ("plan.who.in", "who", TRAFFIC_PLAN, "What about the buses? Because last year",
         "Who's sending the traffic management plan to the council?", [["Martin"]], ["Nadia"]),
        ("plan.when.in", "when", TRAFFIC_PLAN, BUS,
         "When does the council need the traffic plan by?", [["friday", "25", "july 25"]], []),
        ("bus.what.in", "what", BUS, "Right, water. Declan, you were going to look",
         "What's happening with the number seven bus on race morning?", BUS_ANSWER, []),
        ("sponsor.how_much.in", "how_much", SPONSOR, "Bless him. And the others?",
         "How much are Harper's giving as headline sponsor?", [["4000"]], []),
        ("logos.who.in", "who", LOGOS, "Medium scared. So, with the course",
         "Who's getting the sponsor logos to the printer?", [["Declan"]], ["Lorraine"]),
        ("marshals.how_much.in", "how_much", MARSHALS, "That is my method, yes.",
         "How many marshals do they need on race day?", [["90"]], ["58"]),
        ("callout.who.in", "who", CALLOUT, "Lovely. Right, Hamish, first aid, and then",
         "Who's contacting the rugby club and the scouts about marshalling?", [["Sunita"]], ["Kev"]),
        ("sag.who.in", "who", SAG, "Wiper blades and a number plate light",
         "Who's going to the safety advisory group meeting now?", [["Hamish"]], ["Martin"]),
        ("sag.why.in", "why", GRADUATION, "Wiper blades and a number plate light",
         "Why can't Martin go to the safety advisory group any more?",
         [["graduat*", "ellie", "daughter", "leeds"]], []),
        ("cups.what.in", "what", CUPS, AMBULANCE,
         "What are they using at the water stations in the end?", [["paper", "compostable"]], ["cupless"]),
        ("cups.why.in", "why", CUPLESS_OBJECTION, AMBULANCE,
         "Why did they go off the cupless idea for the water stations?",
         [["first timer*", "kids", "children", "bottle*", "hot", "heat", "no water", "doctor", "aziz", "medical"]],
         []),
        ("ambulance.what.in", "what", AMBULANCE, "Right. Fran, timing chips. You had a quote back?",
         "What's still undecided about a second ambulance?", AMBULANCE_ANSWER, []),
        ("chips.what.in", "what", CHIPS, "Go on, then.",
         "Which timing chips did they decide on?", [["disposable", "bib*", "single use", "race number*"]],
         ["ankle", "reusable"]),
        ("chips.why.in", "why", CHIPS_LOST, "I'll tell Pete tomorrow.",
         "Why aren't they going with the reusable ankle chips again?",
         [["lost", "lose", "61", "12", "700", "cost*", "charge*", "went home", "volunteer*", "marshal*"]], []),
        ("medals.how_much.in", "how_much", MEDALS, "It's two weeks before. It's fine.",
         "How many medals have been ordered?", [["1300"]], ["1500"]),
        ("medals.when.in", "when", MEDALS_DATE, "Same shape, the old bridge on the front",
         "When are the medals arriving now?", [["29"]], ["22"]),
        ("split.what.in", "what", SPLIT, "I had thoughts. So, I love the fun run",
         "How is the money being split between the two charities?", [["60"], ["40"]], ["70", "50"]),
        ("funrun.what.in", "what", FUN_RUN, "Oh, and sorry, going back to the marshal briefing",
         "What did they decide about the kids' fun run?",
         [["no", "not", "drop*", "cancel*", "scrap*", "next year", "skip*"]], []),
        ("funrun.why.in", "why", FUN_RUN_MARSHALS, "No sad face. Please.",
         "Why is there no fun run this year?",
         [["marshal*", "12", "first aid", "short", "people", "volunteer*"]], []),
        ("briefing.when.in", "when", BRIEFING, "Focus, please. What have we not done?",
         "When's the marshal briefing?", [["11", "thursday"]], ["9", "tuesday"]),
        ("letter.who.in", "who", LETTER, "Okay. Money, Declan, roughly.",
         "Who's writing the letter to residents along the route?", [["Fran"]], ["Martin"]),
        ("letter.when.in", "when", LETTER, "Roughly. So costs are looking like about eleven thousand",
         "When will the residents' letter be at the printer?", [["august 8", "8", "friday"]], []),
        # Long evicted (1600+ words after the fact line).
        ("race.when.evicted", "when", RACE_DATE, CHIPS,
         "What date is the race?", [["september 14", "14"]], []),
        ("tenk.how_much.evicted", "how_much", TENK_ENTRIES, "Ooh, nice. I like that.",
         "How many people are signed up for the 10k?", [["436"]], []),
        ("entries.how_much.evicted", "how_much", HALF_ENTRIES, LAST,
         "How many half marathon entries are there as of now?", [["712"]], ["680"]),
        ("start.when.evicted", "when", START_TIMES, "So marshals in position by eight, then.",
         "What time does the 10k set off?", [["9 45", "945", "quarter to 10"]], []),
        ("plan.who.evicted", "who", TRAFFIC_PLAN, "And the residents. The letters.",
         "Who's responsible for getting the traffic management plan to the council?", [["Martin"]], ["Nadia"]),
        ("plan.when.evicted", "when", TRAFFIC_PLAN, LAST,
         "What's the deadline for the traffic plan?", [["friday", "25", "july 25"]], []),
        ("bus.what.evicted", "what", BUS, LAST,
         "Has the bus company said what it's doing with the number seven?", BUS_ANSWER, []),
        ("sponsor.how_much.evicted", "how_much", SPONSOR, "Next meeting, then. Monday the fourth of August?",
         "What's Harper's sponsorship worth this year?", [["4000"]], []),
        ("logos.who.evicted", "who", LOGOS, "That's a Martin thing. I've got the key",
         "Who's sending the logos to the printer?", [["Declan"]], ["Lorraine"]),
        ("marshals.how_much.evicted", "how_much", MARSHALS, LAST,
         "How many marshals does the course need?", [["90"]], ["58"]),
        ("callout.who.evicted", "who", CALLOUT, "They're my volunteers, Sunita",
         "Who's asking the rugby club and the scouts for marshals?", [["Sunita"]], ["Kev"]),
        ("sag.who.evicted", "who", SAG, LAST,
         "Who will represent the race at the safety advisory group?", [["Hamish"]], ["Martin"]),
        ("sag.when.evicted", "when", SAG, "Same place. Not on a quiz night.",
         "When's the safety advisory group meeting?", [["31", "thursday"]], []),
        ("sag.why.evicted", "why", GRADUATION, LAST,
         "Why did Martin hand over the safety advisory group meeting?",
         [["graduat*", "ellie", "daughter", "leeds"]], []),
        ("cups.what.evicted", "what", CUPS, LAST,
         "What's the plan for cups at the water stations?", [["paper", "compostable"]], ["cupless"]),
        ("ambulance.what.evicted", "what", AMBULANCE, LAST,
         "Has a second ambulance been confirmed?", AMBULANCE_ANSWER, []),
    ],
    nevers=[
        ("What prize money do the winners of the half get?", ["prize", "prizes", "winner", "winners"]),
        ("How much is the event insurance costing this year?", ["insurance", "insured", "insurer"]),
        ("Who's organising the pacers for the half marathon?", ["pacer", "pacers", "pacing"]),
        ("What colour are the race t-shirts this year?", ["t shirt", "t shirts", "shirt", "shirts", "tee"]),
        ("How many portable toilets have been booked for the start area?",
         ["toilet", "toilets", "portaloo", "portaloos", "loo", "loos"]),
        ("Which photographer is covering the finish line?",
         ["photographer", "photographers", "photo", "photos", "photography"]),
        ("Where's the bag drop going to be on race morning?", ["bag drop", "bag", "bags", "baggage"]),
        ("Which celebrity has been asked to start the races?", ["celebrity", "celebrities", "famous"]),
        ("Has the half marathon course been officially measured and certified?",
         ["measured", "measurement", "certified", "certification"]),
    ],
    noise=[
        ("flapjacks", "Who made these flapjacks?", [["flapjack*"]]),
        ("quiz", "I'm not missing the picture round again", [["picture round", "quiz", "badger"]]),
        ("mot", "did you get your car back in the end?", [["mot", "wiper*"]]),
        ("hedgehog", "there's a hedgehog living under", [["hedgehog", "colin"]]),
    ],
)  # fmt: skip

MEETINGS = [RACE_COMMITTEE]
