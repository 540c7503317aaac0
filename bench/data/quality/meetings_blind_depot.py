"""Blind hand-written test meeting: a parcel delivery depot's weekly operations meeting before peak (written.py).

Written by a helper that read neither the notes engine nor the other test meetings, as people talk: fillers,
false starts, side remarks, owners visible only from who answers, decisions said in passing. Its traps: a
number corrected (the extra routes, once the moved postcodes are counted), a decision reversed (short-term
van hire, then a lease from another supplier), an owner reassigned (the agency drivers' induction), a date
moved (the health-and-safety inspection), people mentioned but not responsible (the driver of the
complaint, the head-office adviser who only sends a checklist), small talk (noise rows), two things left
explicitly open (the pay rise backdating, the new client's Saturday collections), and early facts asked
about late, after eviction. Fact rows: (id, section, line piece, keywords, owner, due, superseded,
wrong_owner, exclude); question rows: (id, kind, fact line piece, asked after the line with this piece,
question, answers, wrong).
"""

from __future__ import annotations

from written import Written

# Fact line pieces (each on exactly one line of the script).
PEAK = "Head office have confirmed peak starts properly"
ROUTES = "With Harrowby it's fourteen extra routes"
AGENCY = "they can give us fifteen agency drivers for the peak"
RATE = "Twenty-three pounds an hour this year"
REPAIR = "So I'll get nineteen and thirty-one into Pellow's garage"
SOAKED = "got left in her bin store round the back"
CREDIT = "She wants a hundred and eighty pounds for the stock"
CALL = "I'll ring Mrs. Pender tomorrow morning"
PHOTO = "Every safe-place delivery gets a photo"
INDUCTION = "I'll take the induction. I know most of the routes"
LEASE_PRICE = "Fleetway will do the twelve vans on a twelve-week lease"
LEASE = "Forget Vantage, we lease the twelve from Fleetway"
MOTOR = "The replacement motor is three thousand four hundred pounds"
ENGINEER = "Trevor can come Thursday morning to fit the new motor"
NIGHT_SORT = "The night sort starts at nine instead of ten"
INSPECTION = "It's moved to Tuesday the twenty-eighth of October now"
PREP = "So I'll update all the risk assessments for the inspection"
OVERTIME = "Time and a half for all overtime through peak"
BACKDATING = "Whether it's backdated to October, I honestly don't know"
CLIENT = "They're starting with us on Monday the first of December"
SATURDAY = "We don't know yet if they want Saturday collections"

DELIVERY_DEPOT = Written(
    name="delivery_depot", split="test", minutes=25,
    title="Parcel delivery depot: weekly operations meeting before peak (routes, vans, agency, sorter, inspection)",
    speakers=["Gail", "Dougie", "Kelechi", "Shona", "Marcus", "Priya"],
    transcript="bench/data/quality/delivery_depot.txt",
    facts=[
        ("peak_start", "date", PEAK, [["peak"], ["november 3"]], None, None, [], [], []),
        # Corrected on the spot: eleven left out the postcodes moved over in the summer.
        ("extra_routes", "number", ROUTES, [["route*"], ["14"]], None, None, ["11"], [], []),
        ("agency_drivers", "number", AGENCY, [["agency", "tallis", "temp*"], ["15"]], None, None, [], [], []),
        ("van_repairs", "action", REPAIR,
         [["van*", "19", "31", "clutch", "door"], ["pellow*", "garage", "repair*", "fix*", "clutch", "mechanic*"]],
         "Marcus", ["wednesday"], [], [], []),
        # The driver on the round is named, but the customer service lead rings the customer.
        ("complaint_call", "action", CALL,
         [["pender", "flower*", "florist", "quay street", "complain*", "customer"],
          ["ring*", "call*", "phone*", "apolog*", "credit*", "contact*"]],
         "Kelechi", ["tomorrow"], [], ["Aaron"], []),
        ("photo_rule", "decision", PHOTO, [["photo*", "picture*"], ["safe place"]], None, None, [], [], []),
        # Reassigned: the night supervisor said yes, then remembered his daughter's wedding that Saturday.
        ("induction", "action", INDUCTION, [["induct*"]], "Priya", ["saturday", "25", "october 25"], [],
         ["Dougie"], []),
        # Reversed: weekly hire from Vantage agreed first, then the cheaper lease that arrives on time.
        ("van_lease", "decision", LEASE, [["fleetway"], ["lease*", "leasing"]], None, None, ["vantage"], [], []),
        ("sorter_motor", "number", MOTOR,
         [["motor", "diverter", "sorter", "part", "repair*", "replace*"], ["3400"]], None, None, [], [], []),
        ("engineer_visit", "date", ENGINEER,
         [["trevor", "engineer", "conveyco", "motor", "fit*"], ["thursday"]], None, None, [], [], []),
        ("night_sort", "decision", NIGHT_SORT,
         [["sort*", "night*", "shift*"], ["9", "21 00", "hour earl*", "an hour early"]], None, None, [], [], []),
        # Moved: first said as the twenty-first, the inspector moved it a week.
        ("inspection_date", "date", INSPECTION,
         [["inspect*", "health and safety"], ["october 28", "28"]], None, None, ["21", "october 21"], [], []),
        # The head-office adviser only sends a checklist; the HR and safety lead does the work.
        ("inspection_prep", "action", PREP,
         [["risk assessment*", "fire exit*", "walk round", "walkround", "inspection", "prep*"]],
         "Shona", ["friday"], [], ["Colin"], []),
        ("overtime_rate", "decision", OVERTIME,
         [["overtime", "sunday*"], ["and a half", "1.5", "double"]], None, None, [], [], []),
        ("backdating_open", "open", BACKDATING, [["backdat*", "back dated", "back pay"]], None, None, [], [], []),
        ("client_volume", "number", CLIENT,
         [["bramble", "parcels", "client", "contract", "homeware"], ["800"]], None, None, [], [], []),
        ("saturday_open", "open", SATURDAY,
         [["saturday"], ["collect*", "pick up*", "pickup*"]], None, None, [], [], []),
    ],
    questions=[
        # In the window (40-300 words after the fact).
        ("peak.when.in", "when", PEAK, "Eleven. Christ.", "When does peak start this year?", [["november 3"]], []),
        ("routes.how_much.in", "how_much", ROUTES, "And who's driving fourteen extra routes?",
         "How many extra routes do they need for peak?", [["14"]], ["11"]),
        ("routes.why.in", "why", ROUTES, "That's sensible. Put the agency on the flats",
         "Why did the number of extra routes go up from eleven?", [["harrowby", "postcode*", "redford"]], []),
        ("agency.how_much.in", "how_much", AGENCY, "Do they get their own scanners",
         "How many agency drivers can Tallis give them?", [["15"]], []),
        ("rate.how_much.in", "how_much", RATE, "And they need the induction before they go anywhere near a van",
         "What's the agency charging per hour this year?", [["23"]], ["21"]),
        ("repair.who.in", "who", REPAIR, "Mrs. Pender, she's got the flower shop",
         "Who's taking the vans with the clutch and door problems to the garage?", [["Marcus"]], []),
        ("repair.when.in", "when", REPAIR, "To be fair to him, she has got safe place",
         "When are vans nineteen and thirty-one going into Pellow's?", [["wednesday"]], []),
        ("complaint.why.in", "why", SOAKED, "She wants a hundred and eighty pounds",
         "Why is the florist on Quay Street complaining?", [["rain*", "bin*", "soaked", "wet", "safe place"]], []),
        ("credit.how_much.in", "how_much", CREDIT, "Claims. It's under the limit",
         "How much is Mrs. Pender being paid back for the ruined stock?", [["180"]], []),
        ("call.who.in", "who", CALL, "this is the third one this month with safe place",
         "Who's going to ring Mrs. Pender?", [["Kelechi", "Kel"]], ["Aaron"]),
        ("photo.what.in", "what", PHOTO, "When I've got a photo I can just send it",
         "What did they decide about safe-place deliveries?", [["photo*", "picture*"]], []),
        ("induction.who.in", "who", INDUCTION, "So. Fleetway will do the twelve vans",
         "Who is running the induction for the agency drivers?", [["Priya"]], ["Dougie"]),
        ("lease.how_much.in", "how_much", LEASE_PRICE, LEASE,
         "How much a week does Fleetway charge per van?", [["140"]], ["190"]),
        ("lease.what.in", "what", LEASE, "Bad. So, the diverter on lane six",
         "Which company are the extra vans coming from in the end?", [["fleetway"]], ["vantage"]),
        ("motor.how_much.in", "how_much", MOTOR, ENGINEER,
         "How much will the new diverter motor cost?", [["3400"]], []),
        ("engineer.when.in", "when", ENGINEER, NIGHT_SORT,
         "When is the Conveyco engineer coming to fit the motor?", [["thursday"]], []),
        ("night_sort.what.in", "what", NIGHT_SORT, "I'll ask Trevor. I doubt it",
         "What's changing about the night sort until the motor is fitted?", [["9", "hour earl*", "earlier"]], []),
        ("night_sort.why.in", "why", NIGHT_SORT, "I'll ask Trevor. I doubt it",
         "Why is the night sort starting early?", [["jam*", "late", "motor", "diverter"]], []),
        ("inspection.when.in", "when", INSPECTION, "The usual. Loading bay, fire exits",
         "When is the health and safety inspection now?", [["october 28", "28"]], ["21", "october 21"]),
        ("prep.who.in", "who", PREP, "I don't care who it is, Dougie, it's blocked",
         "Who's getting the risk assessments ready for the inspection?", [["Shona"]], ["Colin"]),
        ("overtime.what.in", "what", OVERTIME, "Is there a cap? Because some of mine",
         "What's the overtime rate during peak?", [["and a half", "1.5", "150 percent"]], []),
        ("backdating.what.in", "what", BACKDATING, "Can I ask about the overtime for customer service",
         "What's still unresolved about the pay rise?", [["backdat*", "back dated", "october"]], []),
        ("client.how_much.in", "how_much", CLIENT, "It's a three-year contract",
         "How many parcels a day is Bramble and Finch expected to send?", [["800"]], []),
        ("client.when.in", "when", CLIENT, "Do they want Saturday collections? Because",
         "When does the Bramble and Finch contract start?", [["december 1"]], []),
        ("saturday.what.in", "what", SATURDAY, "What time do they want collecting?",
         "What don't they know yet about the Bramble and Finch collections?", [["saturday"]], []),
        # Evicted (1600+ words after the fact): early facts asked about late in the meeting.
        ("peak.when.evicted", "when", PEAK, "Head office signed it off on Monday",
         "What date do the peak volumes kick in?", [["november 3"]], []),
        ("routes.how_much.evicted", "how_much", ROUTES, "And the pay rise? Because the lads",
         "How many additional routes is Priya planning for peak?", [["14"]], ["11"]),
        ("agency.how_much.evicted", "how_much", AGENCY, "I know. We'll have to find them.",
         "How many agency drivers are they getting?", [["15"]], []),
        ("rate.how_much.evicted", "how_much", RATE, "That's between us and Tallis",
         "What hourly rate are Tallis Staffing charging for the agency drivers?", [["23"]], ["21"]),
        ("repair.who.evicted", "who", REPAIR, "Do we need to tell the inspector about the new client",
         "Who's sorting out the repairs on van nineteen?", [["Marcus"]], []),
        ("repair.when.evicted", "when", REPAIR, "Same rate, Kel.",
         "Which day do the two broken vans go to the garage?", [["wednesday"]], []),
        ("credit.how_much.evicted", "how_much", CREDIT, "Do they get a named contact on our side",
         "How much credit is the flower shop getting?", [["180"]], []),
        ("call.who.evicted", "who", CALL, "Yeah, that'll be you, Kel.",
         "Who is calling the flower shop about the soaked parcels?", [["Kelechi", "Kel"]], ["Aaron"]),
        ("photo.what.evicted", "what", PHOTO, "Afternoon, they said. Two o'clock",
         "What's the new rule for drivers leaving parcels in a safe place?", [["photo*", "picture*"]], []),
        ("induction.who.evicted", "who", INDUCTION, "Just quickly, the yard lights by gate two",
         "Who's doing the agency drivers' induction on the Saturday?", [["Priya"]], ["Dougie"]),
        ("lease.what.evicted", "what", LEASE, "Gail: Report it again.",
         "What did they decide about getting the twelve extra vans?", [["fleetway"], ["lease*", "leasing"]],
         ["vantage"]),
        ("lease.why.evicted", "why", LEASE, "They always do. Usually on the radio",
         "Why did they drop Vantage Hire for the peak vans?",
         [["cheaper", "cheap*", "cost*", "price*", "on time", "in time", "guarantee*", "availab*"]], []),
        ("lease.how_much.evicted", "how_much", LEASE_PRICE, "Dougie: The drivers will tell you anyway.",
         "What's the weekly cost of each Fleetway van?", [["140"]], ["190"]),
        ("motor.how_much.evicted", "how_much", MOTOR, "Gail: Dougie? You've got a face on.",
         "How much is the sorter repair going to cost?", [["3400"]], []),
        ("engineer.when.evicted", "when", ENGINEER, "Doesn't matter out of how many.",
         "When's Trevor coming in to do the sorter?", [["thursday"]], []),
    ],
    nevers=[
        ("Are they trialling any electric vans this peak?", ["electric", "charging", "charger", "chargers"]),
        ("Who's the first aider on the night shift?", ["first aid", "first aider", "first aiders"]),
        ("How much will the congestion charge add to the city routes?", ["congestion", "toll", "tolls"]),
        ("When are the tyres being replaced on the fleet?", ["tyre", "tyres", "tire", "tires"]),
        ("Which insurer covers the leased vans?", ["insurance", "insurer", "insured"]),
        ("How big is the peak bonus for the drivers?", ["bonus", "bonuses"]),
        ("When is the CCTV going in at the loading bay?", ["cctv", "camera", "cameras"]),
        ("Who has the new cleaning contract for the depot?", ["cleaning", "cleaner", "cleaners"]),
        ("How many forklift drivers are on the night shift?", ["forklift", "forklifts"]),
    ],
    noise=[
        ("kettle", "is anyone else's kettle not working?", [["kettle"]]),
        ("bypass", "Was the bypass shut again this morning", [["bypass", "roundabout", "roadworks"]]),
        ("parrot", "is it true about your neighbour's parrot?", [["parrot"]]),
        ("darts", "is anyone coming to the darts on Friday?", [["darts"]]),
        ("marrow", "My marrow came second at the allotment show", [["marrow"]]),
    ],
)  # fmt: skip

MEETINGS = [DELIVERY_DEPOT]
