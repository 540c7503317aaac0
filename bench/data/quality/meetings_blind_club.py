"""A blind hand-written test meeting: a community rowing club's committee (boathouse roof, regatta entry,
membership fees, coaching rota, grant application).

Written by someone who read neither the test meetings nor the notes engine, from a brief that named the
traps of the set: an owner reassigned later, a number corrected, a decision reversed, a date moved, a
person mentioned but not responsible, small talk. The gold follows the final state. Facts are spread
through the whole meeting, so that early ones are asked about long after they were said (evicted).
Fact rows: (id, section, line piece, keywords, owner, due, superseded, wrong_owner, exclude); question rows:
(id, kind, fact line piece, asked after the line with this piece, question, answers, wrong).
"""

from __future__ import annotations

from written import Written

# Line pieces (each names exactly one line of club_committee.txt).
ROOF_QUOTE = "So with the guttering the roof job is seven thousand six hundred"
RESERVE = "There's eleven thousand in the building reserve"
CASTLE_WHY = "Castle were cheaper, but they can't come till July"
ROOFER = "Then it's Hadley's for the roof"
RING = "I'll ring him tomorrow, first thing"
GRASS = "about eight working days"
REGATTA_DATE = "It's Saturday the tenth of May, same weekend as always"
NO_EIGHT_WHY = "Rob's done his shoulder"
ENTRY_FEE = "It's fifty-eight pounds a crew this year"
FOURS = "no eight at Brenton. We put in the two coxed fours"
ENTRIES = "I'll get our entries in by Wednesday the nineteenth"
MEMBERS = "A hundred and twelve, as of last week"
SENIOR_FEE = "senior membership goes up to three hundred and forty-five"
JUNIOR_FEE = "Juniors stay exactly where they are"
AGM = "The AGM is Thursday the twenty-fourth of April"
NOVICE_WHY = "the university's got the river booked on Wednesday evenings"
NOVICE = "The novice session moves to Tuesdays from April"
ROTA = "I'll get the new rota out by Sunday night"
ERGS_WHY = "we've just spent seven and a half grand on a roof"
ERGS = "it's got to be a no on the ergs for this year"
GRANT_CLOSE = "It opened in February and it closes on the ninth of May"
GRANT_ASK = "Is everyone alright with twelve thousand five hundred as the ask?"
GRANT_OPEN = "That's the big question mark, honestly"
DRAFT = "I'll have a full draft round to all of you by Tuesday the fifteenth of April"
ROOF_START = "so the roof starts on Monday the twenty-eighth of April now"
LISBON = "I'm in Lisbon from the twentieth"
FEE_EMAIL = "I'll send the fee email"

CLUB_COMMITTEE = Written(
    name="club_committee", split="test", minutes=25,
    title="Millbrook rowing club committee, March (boathouse roof, Brenton Regatta, fees, coaching, grant)",
    speakers=["Helen", "Marcus", "Graham", "Priti", "Tom", "Aoife"],
    transcript="bench/data/quality/club_committee.txt",
    facts=[
        # Corrected on the spot: 6,800 was the roof without the guttering.
        ("roof_quote", "number", ROOF_QUOTE, [["roof*", "guttering"], ["7600"]], None, None, ["6800"], [], []),
        ("roofer", "decision", ROOFER, [["hadley"], ["roof*"]], None, None, [], [], []),
        # Reversed: "put the eight in", then two rowers out.
        ("regatta_fours", "decision", FOURS, [["fours", "coxed"], ["brenton", "regatta", "instead"]],
         None, None, ["men 8"], [], []),
        ("entry_fee", "number", ENTRY_FEE, [["crew*", "entr*", "fee*"], ["58"]], None, None, [], [], []),
        # Colin at Brenton is mentioned, but Marcus enters the crews.
        ("entries", "action", ENTRIES, [["entr*"]], "Marcus", ["wednesday", "19"], [], ["Colin"], []),
        # Corrected: three hundred and forty first, then forty-five.
        ("senior_fee", "number", SENIOR_FEE, [["senior*", "membership", "fee*", "sub*"], ["345"]],
         None, None, ["340"], [], []),
        ("junior_fee", "decision", JUNIOR_FEE, [["junior*"], ["150", "no change", "stay*", "frozen", "freez*"]],
         None, None, [], [], []),
        ("agm_date", "date", AGM, [["agm", "general meeting"], ["april 24", "24"]], None, None, [], [], []),
        ("novice_tuesday", "decision", NOVICE, [["novice*", "learn to row"], ["tuesday*"]], None, None, [], [], []),
        # Jess did the rota on the whiteboard; Tom takes it back.
        ("rota", "action", ROTA, [["rota"]], "Tom", ["sunday"], [], ["Jess"], []),
        ("no_ergs", "decision", ERGS, [["erg*"], ["no", "not", "autumn"]], None, None, [], [], []),
        ("grant_ask", "number", GRANT_ASK, [["grant", "ask", "fund*"], ["12500"]], None, None, [], [], []),
        ("grant_open", "open", GRANT_OPEN, [["roof"], ["repair*", "count*"]], None, None, [], [], []),
        # Niamh will read it over; Aoife writes it.
        ("grant_draft", "action", DRAFT, [["draft", "grant", "application"]], "Aoife", ["april 15", "15"],
         [], ["Niamh"], []),
        # Moved: the week of April 14 was Easter camp, and the roofer's lad is away.
        ("roof_start", "date", ROOF_START, [["roof*", "start*"], ["april 28", "28"]], None, None, ["april 14"], [], []),
        # Reassigned: Priti said she'd do it, then remembered Lisbon.
        ("fee_email", "action", FEE_EMAIL, [["email", "e mail"], ["fee*"]], "Graham", ["31", "end of the month"],
         [], ["Priti"], []),
    ],
    questions=[
        # In the window (40-300 words after the fact line).
        ("roof_quote.how_much.in", "how_much", ROOF_QUOTE, "Anyone against Hadley's?",
         "What did Hadley's quote come to for the roof, guttering and all?", [["7600"]], ["6800"]),
        ("roofer.who.in", "who", ROOFER, "Okay, I'll ask him about that when I ring",
         "Which roofing firm did the committee pick?", [["hadley"]], ["castle"]),
        ("ring.who.in", "who", RING, "Dave says they only need bay two",
         "Who is going to tell the roofer he's got the job?", [["Aoife"]], []),
        ("grass.how_much.in", "how_much", GRASS, "make sure the gate's locked every night",
         "For how many working days will the big boats be out on the grass during the roof work?", [["8"]], []),
        ("no_eight.why.in", "why", NO_EIGHT_WHY, "Two fours. Take the six",
         "Why can't Tom field a men's eight this time?", [["shoulder", "exam*", "6 blokes"]], []),
        ("entry_fee.how_much.in", "how_much", ENTRY_FEE, "who does that these days?",
         "How much does it cost to enter one crew at Brenton this year?", [["58"]], []),
        ("fours.what.in", "what", FOURS, "Helen: Which it will.",
         "So what is the club sending to Brenton in place of the eight?", [["fours", "coxed"]], ["men 8"]),
        ("entries.who.in", "who", ENTRIES, "Get me their names by the weekend",
         "Who is putting the Brenton entries in online?", [["Marcus"]], ["Colin"]),
        ("senior_fee.how_much.in", "how_much", SENIOR_FEE, "Do we need a vote, Priti, technically?",
         "What's the senior membership fee going to be?", [["345"]], ["340", "320"]),
        ("junior_fee.what.in", "what", JUNIOR_FEE, AGM,
         "What happens to the junior subscription?", [["150", "no change", "stay*"]], []),
        ("novice.why.in", "why", NOVICE_WHY, "Yep. It's one line.",
         "Why do the novices have to come off Wednesday evenings?", [["universit*", "uni", "trials"]], []),
        ("novice.when.in", "when", NOVICE, "and she's got her A levels right now",
         "Which evening will the learn-to-row group be on from April?", [["tuesday*"]], ["wednesday"]),
        ("rota.who.in", "who", ROTA, "Two of the old ones are properly dying",
         "Who's taking over the coaching rota?", [["Tom"]], ["Jess"]),
        ("rota.when.in", "when", ROTA, "Sorry, Tom. We'll look at it again in the autumn",
         "By when should people expect the new coaching rota?", [["sunday"]], []),
        ("ergs.why.in", "why", ERGS_WHY, "Tom: Deal. That's me.",
         "Why is Graham against buying the new rowing machines?", [["roof"]], []),
        ("ergs.what.in", "what", ERGS, "There's one at the sailing club in May",
         "What did the committee decide about the ergs Tom asked for?", [["no", "not", "autumn"]], []),
        ("grant_close.when.in", "when", GRANT_CLOSE, "I've got a rough costing from the pontoon people",
         "What's the deadline for the Community Sport Fund?", [["may 9"]], []),
        ("grant_ask.how_much.in", "how_much", GRANT_ASK, "Could we not just ring them?",
         "How much money is the club applying to the fund for?", [["12500"]], ["15000"]),
        ("grant_open.what.in", "what", GRANT_OPEN, "They also want two letters of support",
         "What is still unresolved about what the grant can pay for?", [["roof"], ["repair*"]], []),
        ("draft.who.in", "who", DRAFT, "while I think of it, roof again",
         "Who is writing the grant bid?", [["Aoife"]], ["Niamh"]),
        ("draft.when.in", "when", DRAFT, "No, same quote, same everything",
         "When will the committee get the full draft of the application?", [["april 15", "15"]], []),
        ("roof_start.when.in", "when", ROOF_START, "I'm not an animal",
         "When do the roofers start now?", [["april 28", "28"]], ["april 14"]),
        ("lisbon.why.in", "why", LISBON, "Someone's been bringing a dog into the boathouse",
         "Why can't Priti do the members' email after all?", [["lisbon", "wedding"]], []),
        ("fee_email.who.in", "who", FEE_EMAIL, "That's Ellie's dad's spaniel",
         "Who's emailing the members about the fee increase?", [["Graham"]], ["Priti"]),
        ("fee_email.when.in", "when", FEE_EMAIL, "the shed with the sculls in",
         "By what date does the fee email go out?", [["31", "end of the month"]], []),
        # Evicted (1600+ words after the fact line).
        ("castle.why.evicted", "why", CASTLE_WHY, "We've got those four from the college",
         "Why didn't the club go with Castle Roofing?", [["july", "phone"]], []),
        ("roof_quote.how_much.evicted", "how_much", ROOF_QUOTE, "Fine. Do we need a vote",
         "How much is the boathouse roof going to cost in total?", [["7600"]], ["6800", "5900"]),
        ("reserve.how_much.evicted", "how_much", RESERVE, "So the email has to go well before that",
         "How much does the club have in its building reserve?", [["11000"]], []),
        ("roofer.what.evicted", "what", ROOFER, "First one's the novices",
         "Which company is fixing the boathouse roof?", [["hadley"]], ["castle"]),
        ("entries_close.when.evicted", "when", REGATTA_DATE, "Launch drivers. We've only got three people",
         "When do entries for Brenton close?", [["march 21", "21"]], []),
        ("regatta.when.evicted", "when", REGATTA_DATE, "I've got my tea, we're back",
         "What date is Brenton Regatta this year?", [["may 10"]], []),
        ("no_eight.why.evicted", "why", NO_EIGHT_WHY, "Of the whole project cost.",
         "Why did the club drop the men's eight for the regatta?", [["shoulder", "exam*", "6 blokes"]], []),
        ("entry_fee.how_much.evicted", "how_much", ENTRY_FEE, "I know Sandra at the leisure centre",
         "What's the Brenton entry fee per boat?", [["58"]], []),
        ("fours.what.evicted", "what", FOURS, "Who's writing it? Because it's a big form",
         "What crews is the club entering at Brenton instead of the eight?", [["fours", "coxed"]], ["men 8"]),
        ("entries.who.evicted", "who", ENTRIES, "That's kind of her. Okay.",
         "Who is responsible for entering the club's crews for the regatta?", [["Marcus"]], ["Colin"]),
        ("entries.when.evicted", "when", ENTRIES, "Sorry, one thing before biscuits",
         "By what day will the regatta entries be submitted?", [["wednesday", "19"]], []),
        ("members.how_much.evicted", "how_much", MEMBERS, "I'll just buy more biscuits",
         "How many members has the club got at the moment?", [["112"]], []),
        ("senior_fee.how_much.evicted", "how_much", SENIOR_FEE, FEE_EMAIL,
         "How much will a senior member pay a year from April?", [["345"]], ["340", "320"]),
        ("junior_fee.what.evicted", "what", JUNIOR_FEE, "Perfect. Thank you, Graham.",
         "Is the fee for juniors going up as well?", [["150", "no change", "stay*"]], []),
        ("agm.when.evicted", "when", AGM, "the shed with the sculls in",
         "When is the annual general meeting?", [["april 24", "24"]], []),
    ],
    nevers=[
        ("Who is the club's welfare officer?", ["welfare", "safeguarding"]),
        ("How much does the new club racing kit cost?", ["kit", "kits", "lycra", "unisuit", "unisuits"]),
        ("When is the club's annual dinner?", ["dinner", "dinners"]),
        ("How many life jackets are kept in the launch?",
         ["life jacket", "life jackets", "lifejacket", "lifejackets", "buoyancy"]),
        ("Who is sponsoring the club this season?", ["sponsor", "sponsors", "sponsoring", "sponsorship", "sponsored"]),
        ("How much is a parking permit for the boathouse?", ["permit", "permits", "parking"]),
        ("Who won the sculling head race last year?", ["head race", "head races"]),
        ("Who is umpiring at Brenton Regatta?", ["umpire", "umpires", "umpiring"]),
        ("How much did the club raise from the raffle?", ["raffle", "raffles", "lottery"]),
    ],
    noise=[
        ("land_rover", "left a Land Rover right across the lane", [["land rover"]]),
        ("ginger_nuts", "eaten every single ginger nut in the tin", [["ginger"]]),
        ("heron", "There's a heron that's been standing", [["heron"]]),
        ("oat_milk", "It's oat milk. It's Priti's oat milk.", [["oat"]]),
        ("rugby", "Did anyone watch the rugby on Saturday?", [["rugby"]]),
    ],
)  # fmt: skip

MEETINGS = [CLUB_COMMITTEE]
