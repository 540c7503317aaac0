"""A blind hand-written test meeting: a small food-packaging plant's weekly operations meeting (a line
breakdown, a film supplier's delay, overtime, a customer audit, a safety incident).

Written by someone who read neither the test meetings nor the notes engine, from a brief that named the
traps of the set: an owner reassigned later, a number corrected, a decision reversed, a date moved, a
person mentioned but not responsible, small talk. The gold follows the final state. Facts are spread
through the whole meeting, so that early ones are asked about long after they were said (evicted).
Fact rows: (id, section, line piece, keywords, owner, due, superseded, wrong_owner, exclude); question rows:
(id, kind, fact line piece, asked after the line with this piece, question, answers, wrong).
"""

from __future__ import annotations

from written import Written

# Line pieces (each names exactly one line of plant_operations.txt).
DOWNTIME = "So fourteen hours down on line three in total"
SCRAPPED = "so I've scrapped those, that's about fifteen hundred trays"
CRACK_WHY = "My guess is the washdown"
PLATE_PRICE = "Nine hundred and forty pounds for the pair from Sealmatic"
BOTH_PLATES = "That's a no-brainer then. We do both plates."
BEARING = "put the bearing on the planned maintenance for the Saturday after next"
FILM_COVER = "we've got four days of film left"
KELPACK_OK = "Kelpack have got a film that's on Hartwell's approved list already"
PREMIUM = "They're eighteen percent dearer than Polyflex"
TRIAL = "I'll run the trial reel myself tomorrow"
KELPACK = "We take the two pallets from Kelpack to bridge the gap"
ORDER = "Their order for this week is forty-two thousand trays"
SHORT = "About eleven thousand trays short, on my numbers"
SUNDAY_WHY = "Sunday's no good. Sorry. Sunday's the deep clean."
SATURDAY = "forget Sunday then. The overtime shift on line three is this Saturday"
CAP = "Overtime is sixty hours maximum on line three this week"
SIGNUP = "I'll put the sign-up sheet up in the break room"
LORRY = "Same as always, ten o'clock Friday night, from Brooks"
AUDIT = "Hartwell's technical audit is Wednesday the twenty-fifth of June"
STILL_OPEN = "So that's two still open."
PEST = "I'll have the whole pest control file updated and signed by Friday"
STITCHES = "It needed five stitches."
RIDDOR = "We won't actually find out till next Wednesday whether it's reportable."
KNIVES = "The snap-off knives go, everyone on every line gets the retractable safety knives"
REPORT = "I'll do the full investigation report"
PLATE_ORDER = "So I'll raise the heater plate order myself, today, before lunch"
FILM_DATE = "It's Tuesday the seventeenth of June for the lidding film"

PLANT_OPERATIONS = Written(
    name="plant_operations", split="test", minutes=25,
    title="Fernside food-packaging plant: weekly operations (line three sealer, film delay, overtime, audit, "
          "knife injury)",
    speakers=["Dana", "Bogdan", "Steve", "Ines", "Colette", "Raj"],
    transcript="bench/data/quality/plant_operations.txt",
    facts=[
        # Corrected: eleven hours were the day shift only; nights lost three more.
        ("downtime", "number", DOWNTIME, [["line 3", "sealer", "down", "lost", "downtime"], ["14 hours"]],
         None, None, ["11 hours"], [], []),
        ("both_plates", "decision", BOTH_PLATES, [["plate*", "heater*"], ["both"]], None, None, [], [], []),
        ("film_cover", "number", FILM_COVER, [["film", "stock"], ["4 days"]], None, None, [], [], []),
        ("kelpack", "decision", KELPACK, [["kelpack"], ["pallet*", "film", "bridge"]], None, None, [], [], []),
        ("hartwells_order", "number", ORDER, [["hartwell*", "order", "trays"], ["42000"]], None, None, [], [], []),
        # Reversed: "the extra shift on Sunday morning", then the deep clean.
        ("overtime_saturday", "decision", SATURDAY, [["overtime", "extra shift"], ["saturday"]],
         None, None, ["sunday"], [], []),
        ("overtime_cap", "number", CAP, [["overtime", "cap*", "max*"], ["60"]], None, None, [], [], []),
        # Maureen in payroll is mentioned, but Steve runs the sign-up.
        ("signup_sheet", "action", SIGNUP, [["sign up", "sheet"]], "Steve", ["today"], [], ["Maureen"], []),
        ("audit_date", "date", AUDIT, [["audit"], ["june 25", "25"]], None, None, [], [], []),
        # Gary does the bait stations; the file is Colette's.
        ("pest_file", "action", PEST, [["pest"]], "Colette", ["friday"], [], ["Gary"], []),
        ("riddor_open", "open", RIDDOR, [["riddor", "reportable"]], None, None, [], [], []),
        ("safety_knives", "decision", KNIVES, [["knife", "knives", "blade*"], ["retract*", "safety"]],
         None, None, [], [], []),
        ("incident_report", "action", REPORT, [["report", "investigation"]], "Bogdan", ["thursday"], [], [], []),
        # Reassigned: Raj was going to order them; over five hundred pounds needs a purchase order from Ines.
        ("plate_order", "action", PLATE_ORDER, [["plate*", "heater*"]], "Ines", ["today", "lunch"], [], ["Raj"], []),
        # Moved: Thursday the twelfth, then Tuesday the seventeenth.
        ("film_date", "date", FILM_DATE, [["film", "polyflex", "lidding"], ["june 17", "17"]],
         None, None, ["june 12"], [], []),
    ],
    questions=[
        # In the window (40-300 words after the fact line).
        ("downtime.how_much.in", "how_much", DOWNTIME, "Hang on, before that, Colette",
         "How long was line three stopped altogether?", [["14"]], ["11"]),
        ("plate_price.how_much.in", "how_much", PLATE_PRICE, "And it'll stay on the list until something's",
         "What does a pair of heater plates cost?", [["940"]], ["610"]),
        ("both_plates.what.in", "what", BOTH_PLATES, BEARING,
         "What did they decide about the heater plates on the sealer?", [["both"]], []),
        ("bearing.when.in", "when", BEARING, "Anything else on line three? No? Okay. Film.",
         "When is the noisy infeed bearing going to be fixed?", [["saturday after next"]], []),
        ("film_cover.how_much.in", "how_much", FILM_COVER, "And we can't just use any film, can we",
         "How much lidding film is left in stock?", [["4 days"]], []),
        ("kelpack_ok.why.in", "why", KELPACK_OK, "Does it run the same on the sealer?",
         "Why can the Kelpack film be used for Hartwell's trays?", [["approved"]], []),
        ("trial.who.in", "who", TRIAL, "Already drafted. I just needed someone to say yes.",
         "Who's doing the trial run of the new film?", [["Raj"]], []),
        ("kelpack.what.in", "what", KELPACK, "Lee. Okay. He'll love that.",
         "Where is the stopgap film coming from?", [["kelpack"]], ["polyflex"]),
        ("hartwells_order.how_much.in", "how_much", ORDER, "Ask anyway. But we plan as if",
         "How big is Hartwell's order this week?", [["42000"]], []),
        ("sunday.why.in", "why", SUNDAY_WHY, "Saturday's easier for a lot of them anyway",
         "Why can't the extra shift be on Sunday?", [["deep clean", "hygiene"]], []),
        ("overtime.when.in", "when", SATURDAY, "Six-hour shift, ten people.",
         "When is the overtime shift on line three?", [["saturday"]], ["sunday"]),
        ("cap.how_much.in", "how_much", CAP, SIGNUP,
         "How many hours of overtime is Dana allowing on line three this week?", [["60"]], ["88"]),
        ("signup.who.in", "who", SIGNUP, "I'll copy her in.",
         "Who's putting up the sheet for the overtime volunteers?", [["Steve"]], ["Maureen"]),
        ("audit.when.in", "when", AUDIT, "Where are we with last year's actions?",
         "What day is the Hartwell's technical audit?", [["june 25", "25"]], []),
        ("still_open.how_much.in", "how_much", STILL_OPEN, PEST,
         "How many of last year's corrective actions are still open?", [["2"]], ["3"]),
        ("pest.who.in", "who", PEST, "They're booked on the course on the nineteenth",
         "Who is getting the pest control file ready for the audit?", [["Colette"]], ["Gary"]),
        ("pest.when.in", "when", PEST, "Glass and brittle plastics.",
         "By when will the pest control paperwork be done?", [["friday"]], []),
        ("stitches.how_much.in", "how_much", STITCHES, "She was more worried about her car",
         "How many stitches did Shauna's hand need?", [["5"]], []),
        ("riddor.what.in", "what", RIDDOR, "Light duties, a week at least.",
         "What's still undecided about reporting Shauna's injury?", [["riddor", "reportable"]], []),
        ("knives.what.in", "what", KNIVES, "Then it's a rule for reel changes.",
         "What are the snap-off knives being replaced with?", [["retract*", "safety"]], []),
        ("report.who.in", "who", REPORT, "Why not? I was going to do it this afternoon.",
         "Who's writing up the investigation into the knife accident?", [["Bogdan"]], []),
        ("report.when.in", "when", REPORT, "Just send me the confirmation",
         "When is the incident investigation due?", [["thursday"]], []),
        ("plate_order.who.in", "who", PLATE_ORDER, FILM_DATE,
         "Who is ordering the new heater plates?", [["Ines"]], ["Raj"]),
        ("plate_order.why.in", "why", PLATE_ORDER, "Two pallets gets us to, maybe, the Tuesday",
         "Why isn't Raj ordering the heater plates himself?", [["purchase order", "500", "finance"]], []),
        ("film_date.when.in", "when", FILM_DATE, "I'd rather not, at their price.",
         "When is the Polyflex film due to arrive now?", [["june 17", "17"]], ["june 12"]),
        # Evicted (1600+ words after the fact line).
        ("scrapped.how_much.evicted", "how_much", SCRAPPED, "I'll order the pizzas myself.",
         "How many trays were binned because of the bad seals?", [["1500"]], ["2400"]),
        ("downtime.how_much.evicted", "how_much", DOWNTIME, LORRY,
         "How many hours of production did the sealer breakdown cost?", [["14"]], ["11"]),
        ("crack.why.evicted", "why", CRACK_WHY, AUDIT,
         "What does Raj think cracked the heater plate?", [["washdown", "hose*", "cold water"]], []),
        ("both_plates.what.evicted", "what", BOTH_PLATES, "That's fine, as long as it's in before the twenty-fifth",
         "Are they replacing just the cracked heater plate?", [["both"]], []),
        ("plate_price.how_much.evicted", "how_much", PLATE_PRICE, PEST,
         "What will Sealmatic charge for the two heater plates?", [["940"]], ["610"]),
        ("film_cover.how_much.evicted", "how_much", FILM_COVER, "Does she want to see the film concession?",
         "How many days of lidding film does the plant have left?", [["4 days"]], []),
        ("premium.how_much.evicted", "how_much", PREMIUM, "She was more worried about her car",
         "How much dearer is Kelpack's film than Polyflex's?", [["18 percent"]], []),
        ("kelpack.what.evicted", "what", KELPACK, "So that's open, then.",
         "Which supplier is covering the film gap?", [["kelpack"]], ["polyflex"]),
        ("hartwells_order.how_much.evicted", "how_much", ORDER, "The knives. Honestly.",
         "How many trays of the chicken pasta do Hartwell's want this week?", [["42000"]], []),
        ("short.how_much.evicted", "how_much", SHORT, "The retractable safety knives. The ones with",
         "By how many trays is the plant short on the Hartwell's order?", [["11000"]], []),
        ("sunday.why.evicted", "why", SUNDAY_WHY, "She will. She always asks about accidents.",
         "Why was Sunday ruled out for the overtime?", [["deep clean", "hygiene"]], []),
        ("overtime.when.evicted", "when", SATURDAY, "Just send me the confirmation",
         "What day is the extra overtime shift on?", [["saturday"]], ["sunday"]),
        ("cap.how_much.evicted", "how_much", CAP, "So the Kelpack pallets really matter now.",
         "What's the ceiling on overtime hours this week?", [["60"]], ["88"]),
        ("signup.who.evicted", "who", SIGNUP, "If the Kelpack film runs well tomorrow",
         "Who is organising the names for the weekend overtime?", [["Steve"]], ["Maureen"]),
        ("lorry.when.evicted", "when", LORRY, "I'll ring the vending people.",
         "What time does the Hartwell's lorry go on Friday?", [["10"]], []),
    ],
    nevers=[
        ("Which forklift truck was damaged last week?", ["forklift", "forklifts", "fork lift", "reach truck"]),
        ("How much did the new metal detector cost?", ["metal detector", "metal detectors", "detector", "detectors"]),
        ("When is the next fire drill?", ["fire drill", "fire drills", "drill", "evacuation"]),
        ("Who is the union rep on the night shift?", ["union", "rep", "reps", "steward"]),
        ("What are the chillers in dispatch set to?", ["chiller", "chillers"]),
        ("How many agency workers are coming in for the Saturday shift?", ["agency"]),
        ("When does the new canteen open?", ["canteen", "canteens"]),
        ("How much is the plant's electricity bill this month?", ["electricity", "energy", "electric"]),
        ("Who handles the allergen changeover on line two?", ["allergen", "allergens"]),
    ],
    noise=[
        ("seagulls", "the seagulls are back on the car park roof", [["seagull*"]]),
        ("crete", "He sent a photo of his feet on a sun lounger", [["lounger", "crete"]]),
        ("titanic", "That's what they said on the Titanic.", [["titanic"]]),
        ("five_a_side", "going to the five-a-side on Thursday", [["5 a side"]]),
        ("vending", "the vending machine's eating pound coins again", [["vending"]]),
        ("birthday", "it's Ines's birthday on Wednesday", [["birthday"]]),
    ],
)  # fmt: skip

MEETINGS = [PLANT_OPERATIONS]
