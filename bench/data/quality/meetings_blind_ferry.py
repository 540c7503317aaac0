"""Blind hand-written test meeting: an island ferry company's weekly operations meeting (written.py).

Written without reading the notes engine or the other test meetings, in the style of a real transcript:
fillers, false starts, interruptions, owners visible only from who answers, decisions said in passing,
numbers and dates in words. Its traps: a number corrected (nine cancelled sailings become eleven once the
Sunday is counted); a date moved (the dry dock goes from March 9 to March 16); a decision reversed (card
only on board, then cash kept because of the signal mid-crossing and the older islanders); an owner
reassigned (Shona offers to ring the agency for a relief skipper, Moira takes it); an overtime cap raised
from the first proposal (100 hours, settled at 120); people mentioned but not responsible (Hamish at the
chandlery, the relief skipper Iain, the new deckhand Fergus); two matters left open (the overnight berth
at Inchmore pier, the council's funding of the Friday late sailing); small talk (the seal on the slipway,
shortbread, shinty, the colour of the funnel, Shona's proposals). Early facts (cancellations, the noon
rule, the dry dock date and quote, the Puffin's timetable, the lorries, the pump, the relief skipper, the
overtime cap, the drill) are asked about again at the end, long after they left the window.
Fact rows: (id, section, line piece, keywords, owner, due, superseded, wrong_owner, exclude); question
rows: (id, kind, fact line piece, asked after the line with this piece, question, answers, wrong).
"""

from __future__ import annotations

from written import Written

CANCELLED = "so with the Sunday it's eleven sailings cancelled"
NOON = "the evening sailings get cancelled at noon"
HOSPITAL = "I've got twelve people on the hospital appointments list"
DRY_DOCK = "She goes into dry dock Monday the sixteenth of March now"
QUOTE = "Thirty-eight thousand, that's the hull"
SURVEYOR = "The new one's coming to the yard on the Tuesday"
WHY_FOUR = "Not with one crew and a port engine that's running hot"
TIMETABLE = "the Puffin does four return sailings a day"
LORRIES = "the lorries get the first sailing and the commuters squeeze on"
PUMP = "I'll order the new pump direct from the Volvo dealer"
RELIEF = "So the relief skipper's mine"
SANDY = "he's going to his sister's wedding in Aberdeen"
OVERTIME = "Let's say a hundred and twenty hours of overtime"
DRILL = "I'll run the drill myself"
CASH = "we keep taking cash on board as well as cards"
FARE = "from the first of April it's forty-two pounds"
NOTICES = "I'll do the website and put new notices up"
BERTH = "we just don't know yet if she can stay overnight at Inchmore pier"
LATE_SAILING = "We don't know if the council will fund the Friday late sailing"
COUNTS = "I'll pull last summer's Friday passenger counts"
SUMMER = "The summer timetable starts Thursday the second of April"

FERRY_TERMINAL = Written(
    name="ferry_terminal", split="test", minutes=25,
    title="Island ferry company: weekly operations (dry dock fortnight, relief crew, ticketing, fares)",
    speakers=["Moira", "Callum", "Ewan", "Shona", "Declan", "Ruth"],
    transcript="bench/data/quality/ferry_terminal.txt",
    facts=[
        # Corrected on the spot: nine was the week without the two Sunday night sailings.
        ("cancelled_sailings", "number", CANCELLED,
         [["sailing*", "crossing*", "cancel*"], ["11"]], None, None, ["9"], [], []),
        ("noon_rule", "decision", NOON,
         [["noon", "midday", "12"], ["force 8", "forecast", "evening", "cancel*", "call off", "weather"]],
         None, None, [], [], []),
        # Moved: the yard had booked the Kestrel for March 9, a trawler overran.
        ("dry_dock_date", "date", DRY_DOCK,
         [["dry dock", "drydock", "yard", "ardmillan", "kestrel"], ["march 16", "16"]],
         None, None, ["march 9"], [], []),
        ("yard_quote", "number", QUOTE,
         [["quote*", "quoted", "yard", "dry dock", "cost*", "survey", "hull"], ["38000"]], None, None, [], [], []),
        ("puffin_timetable", "decision", TIMETABLE,
         [["puffin", "dry dock", "timetable", "relief"], ["4"]], None, None, [], [], []),
        ("lorries_first", "decision", LORRIES,
         [["lorr*", "freight", "haulier*", "truck*"], ["first"]], None, None, [], [], []),
        # Hamish at the chandlery offered to get one; Ewan orders it himself.
        ("puffin_pump", "action", PUMP, [["pump", "impeller"]], "Ewan", ["thursday"], [], ["Hamish"], []),
        # Reassigned: Shona offered to ring the agency, Moira takes it; Iain is who they may ask for.
        ("relief_skipper", "action", RELIEF, [["relief", "skipper", "agency"]],
         "Moira", ["tomorrow"], [], ["Shona", "Iain"], []),
        # First proposal 100 hours, raised to 120.
        ("overtime_cap", "number", OVERTIME, [["overtime"], ["120"]], None, None, ["100"], [], []),
        # Fergus is one of the new deckhands being drilled, not the one running it.
        ("mob_drill", "action", DRILL, [["drill", "man overboard"]], "Callum", ["saturday"], [], ["Fergus"], []),
        # Reversed: "card only from April. Done.", then the signal and the older islanders.
        ("cash_on_board", "decision", CASH, [["cash"]], None, None, ["card only"], [], []),
        ("car_fare", "number", FARE, [["car", "vehicle"], ["42"]], None, None, [], [], []),
        ("notices", "action", NOTICES, [["website", "notice*"]], "Declan", ["friday"], [], [], []),
        ("berth_open", "open", BERTH, [["overnight", "berth*", "inchmore pier", "sleep"]], None, None, [], [], []),
        ("late_sailing_open", "open", LATE_SAILING,
         [["friday", "late sailing", "10 at night"], ["council", "fund*", "pay*", "subsid*"]],
         None, None, [], [], []),
        ("friday_counts", "action", COUNTS,
         [["count*", "figures", "numbers", "stats", "data"], ["friday", "passenger*", "summer"]],
         "Ruth", ["wednesday"], [], [], []),
        ("summer_timetable", "date", SUMMER, [["summer"], ["april 2"]], None, None, [], [], []),
    ],
    questions=[
        # In the window (40-300 words after the fact line).
        ("cancelled.how_much.in", "how_much", CANCELLED, "The lads were mopping till lunchtime",
         "How many sailings got cancelled last week in the end?", [["11"]], ["9"]),
        ("noon.what.in", "what", NOON, "I ring those ones myself, not a text",
         "What's the rule now when the forecast is over force eight?", [["noon", "midday", "12"]], ["5"]),
        ("hospital.how_much.in", "how_much", HOSPITAL, "They rang Thursday. They've got a trawler",
         "How many people are on the hospital appointments list this month?", [["12"]], []),
        ("dry_dock.when.in", "when", DRY_DOCK, "what's the damage, money-wise?",
         "When is the Kestrel going into dry dock?", [["march 16", "16"]], ["march 9"]),
        ("quote.how_much.in", "how_much", QUOTE, "The new one's coming to the yard on the Tuesday",
         "How much did the yard quote for the dry dock?", [["38000"]], []),
        ("surveyor.when.in", "when", SURVEYOR, "So that's them busy. Nobody's sitting in the mess.",
         "When's the surveyor coming to look at the hull?", [["24", "tuesday"]], []),
        ("timetable.how_much.in", "how_much", TIMETABLE, "So there's two ways to do it.",
         "How many return sailings a day will the Puffin run during the dry dock?", [["4"]], ["6"]),
        ("timetable.why.in", "why", WHY_FOUR, "The Puffin takes, what, two lorries at a time?",
         "Why can't the Puffin keep doing six returns a day on her own?",
         [["crew", "engine", "hot", "overheat*"]], []),
        ("lorries.what.in", "what", LORRIES, "It's the raw water pump. The impeller's chewed",
         "What did they decide about the lorries while the Puffin is on her own?", [["first"]], ["second"]),
        ("pump.who.in", "who", PUMP, "Put it on the list for the spring, then.",
         "Who's getting the new raw water pump for the Puffin?", [["ewan"]], ["hamish"]),
        ("pump.when.in", "when", PUMP, "I'll rebuild the old pump when things calm down",
         "By when should the Puffin's new pump be fitted?", [["thursday"]], []),
        ("relief.who.in", "who", RELIEF, "The three who booked round the ninth",
         "Who's going to ring the agency about a relief skipper?", [["moira"]], ["shona", "iain"]),
        ("relief.when.in", "when", RELIEF, "Kenny's fine, he's back on the fourteenth",
         "When will the agency get the call about the relief skipper?", [["tomorrow"]], []),
        ("sandy.why.in", "why", SANDY, "And then overtime. Because with the Puffin",
         "Why can't Sandy work the week of the sixteenth?", [["wedding", "sister", "aberdeen"]], []),
        ("overtime.how_much.in", "how_much", OVERTIME, "They'll be working on the Puffin, so they drill",
         "What's the overtime cap for the dry dock fortnight?", [["120"]], ["100", "150"]),
        ("drill.who.in", "who", DRILL, "A fella had had a few too many",
         "Who's running the man overboard drill for the new deckhands?", [["callum"]], ["fergus"]),
        ("cash.what.in", "what", CASH, "The Puffin only takes twelve cars",
         "Will passengers still be able to pay cash on board?", [["cash"]], ["card only"]),
        ("cash.why.in", "why", CASH, "they'll shout at me instead of you",
         "Why did they drop the plan to go card only on board?",
         [["signal", "reception", "coverage", "offline", "old", "elderly", "pensioner*"]], []),
        ("fare.how_much.in", "how_much", FARE, "Islanders' books of tickets stay the same",
         "How much will a car return cost from April?", [["42"]], ["39"]),
        ("notices.who.in", "who", NOTICES, "That's the old machine. It's going anyway",
         "Who's putting up the new notices at the terminals?", [["declan"]], []),
        ("notices.when.in", "when", NOTICES, "Actually, no, I'll just unplug it.",
         "When will the new fares and timetable notices be up?", [["friday"]], []),
        ("berth.what.in", "what", BERTH, "Okay. Ruth, keep chasing him.",
         "What's still undecided about where the Puffin spends the night?",
         [["overnight", "inchmore", "pier", "berth*"]], []),
        ("late_sailing.what.in", "what", LATE_SAILING, "Lively, but busy, and the islanders want it",
         "What's still open about the Friday late sailing this summer?",
         [["council", "fund*", "pay*", "subsid*"]], []),
        ("counts.who.in", "who", COUNTS, "Declan, remind me, when's the switch?",
         "Who's pulling last summer's Friday passenger numbers?", [["ruth"]], []),
        ("summer.when.in", "when", SUMMER, "a bit of yellow on the funnel",
         "When does the summer timetable start?", [["april 2"]], []),
        # Asked at the end, long after the fact left the window (1600+ words).
        ("cancelled.how_much.evicted", "how_much", CANCELLED, "I think that's us, actually.",
         "How many sailings were cancelled last week?", [["11"]], ["9"]),
        ("cancelled.why.evicted", "why", CANCELLED, "Good. Anything else? Anyone?",
         "Why did the count of cancelled sailings go up from the first figure Callum gave?", [["sunday"]], []),
        ("noon.what.evicted", "what", NOON, "The hydraulics were groaning again on Sunday",
         "What did they agree about calling off evening sailings in bad weather?", [["noon", "midday", "12"]],
         ["5"]),
        ("noon.what_forecast.evicted", "what", NOON, "It was worth a try.",
         "Above what forecast do the evening sailings get called off early?", [["8"]], []),
        ("dry_dock.when.evicted", "when", DRY_DOCK, "Somebody buy milk.",
         "When does the Kestrel go into dry dock now?", [["march 16", "16"]], ["march 9"]),
        ("dry_dock.why.evicted", "why", DRY_DOCK, "She's not getting a makeover",
         "Why was the Kestrel's dry dock pushed back a week?",
         [["trawler", "overr*", "rudder", "another boat", "fishing"]], []),
        ("quote.how_much.evicted", "how_much", QUOTE, "We are not normal people, we run a ferry.",
         "How much is the yard charging for the Kestrel's dry dock?", [["38000"]], []),
        ("timetable.how_much.evicted", "how_much", TIMETABLE, "The coffee machine in the crew room's leaking",
         "How many return sailings a day will the Puffin do while the Kestrel is away?", [["4"]], ["6"]),
        ("timetable.what.evicted", "what", TIMETABLE, "Over my dead body is there yellow",
         "Which sailings are being dropped during the dry dock?", [["midday", "12"], ["late"]], ["first"]),
        ("lorries.what.evicted", "what", LORRIES, "Or we could buy a new coffee machine",
         "Which sailing do the lorries get during the dry dock?", [["first"]], ["second"]),
        ("lorries.why.evicted", "why", LORRIES, "It's a hose, it's weeping.",
         "Why are the lorries being given the early boat?", [["donnie", "fish", "glasgow", "van"]], []),
        ("pump.who.evicted", "who", PUMP, "It's probably the same washer as last time.",
         "Who's ordering the new pump for the Puffin?", [["ewan"]], ["hamish"]),
        ("pump.when.evicted", "when", PUMP, "Same blue. Same white.",
         "When is the Puffin's new pump supposed to be fitted?", [["thursday"]], []),
        ("relief.who.evicted", "who", RELIEF, "Perfect. Thanks, Ruth.",
         "Who's booking the relief skipper for the Puffin?", [["moira"]], ["shona", "iain"]),
        ("overtime.how_much.evicted", "how_much", OVERTIME, "Just the hospital list.",
         "How many hours of overtime can the crew do over the fortnight?", [["120"]], ["100", "150"]),
        ("drill.when.evicted", "when", DRILL, "Somebody buy milk.",
         "When is the man overboard drill for the new deckhands?", [["saturday"]], []),
    ],
    nevers=[
        ("How much does it cost to bring a bike over on the Puffin?",
         ["bike", "bikes", "bicycle", "bicycles", "cycle", "cycles", "cyclist", "cyclists"]),
        ("Who runs the café on board the Kestrel?",
         ["café", "cafe", "cafes", "caterer", "catering", "canteen", "snack bar", "tea bar"]),
        ("When are the Kestrel's liferafts due for their service?",
         ["liferaft", "liferafts", "life raft", "life rafts", "lifeboat", "lifeboats", "davit", "davits"]),
        ("How big is the fuel surcharge on tickets this month?", ["surcharge", "surcharges"]),
        ("What's happening with wifi for passengers on the crossing?", ["wifi", "wi fi", "internet", "broadband"]),
        ("Who's ordering the new uniforms for the deck crew?", ["uniform", "uniforms", "hi vis", "workwear"]),
        ("Which company insures the Kestrel?", ["insurance", "insurer", "insurers", "insure", "insures", "insured"]),
        ("What's the charge for taking a dog across to Inchmore?", ["dog", "dogs", "pet", "pets"]),
        ("When is the new gangway going in at Portbrae?", ["gangway", "gangways", "walkway", "walkways"]),
    ],
    noise=[
        ("seal", "Did anybody see the seal's back on the slipway", [["seal", "sammy"]]),
        ("shortbread", "whose shortbread is this?", [["shortbread"]]),
        ("shinty", "Did anyone see the shinty at the weekend", [["shinty", "kingussie"]]),
        ("funnel", "a bit of yellow on the funnel", [["yellow"]]),
        ("proposed", "I got proposed to. Twice.", [["proposed", "proposal*"]]),
    ],
)  # fmt: skip

MEETINGS = [FERRY_TERMINAL]
