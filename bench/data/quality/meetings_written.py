"""Hand-written development meetings: two scripts in a style unlike the generated meetings' (written.py).

Written as people talk in a meeting: fillers, false starts, interruptions, owners visible only from who
answers, decisions said in passing ("so that's a no on the van"), numbers in words and digits. Each has the
traps of the set: an owner reassigned later, a number corrected, a decision reversed, a person mentioned
but not responsible, small talk. Fact rows: (id, section, line piece, keywords, owner, due, superseded,
wrong_owner, exclude); question rows: (id, kind, fact line piece, asked after the line with this piece,
question, answers, wrong).
"""

from __future__ import annotations

from written import Written

CATERING_WEEK = Written(
    name="catering_week", split="dev", minutes=12,
    title="Harbor Street Kitchen: event week (Brightline lunch, Okafor wedding, Sunday market)",
    speakers=["Rosa", "Luis", "Jen", "Tariq", "Bev"], transcript="bench/data/quality/catering_week.txt",
    facts=[
        # Corrected on the spot: 140 were the adults; the kids' table makes 148.
        ("wedding_guests", "number", "so it's a hundred and forty-eight guests",
         [["guest*", "people", "headcount", "covers", "attend*", "wedding"], ["148"]], None, None, ["140"], [], []),
        ("lunch_boxes", "number", "they're at sixty-five boxed lunches now",
         [["brightline", "boxed", "lunch*", "boxes"], ["65"]], None, None, [], [], []),
        # Kim offered, but Luis does them.
        ("allergen_cards", "action", "I'll do the allergen cards tomorrow night",
         [["allerg*"], ["card*", "label*"]], "Luis", ["tomorrow", "tuesday"], [], ["Kim"], []),
        # Reversed: "short rib it is" at the tasting, then the price of short rib.
        ("wedding_main", "decision", "we drop the short rib, the main for the wedding",
         [["chicken"], ["main", "entree", "entrée", "wedding", "dinner"]], None, None, ["short rib"], [], []),
        ("call_bride", "action", "I'll call Mrs. Okafor tonight",
         [["okafor*", "bride", "mum", "mother", "client", "couple", "family"], ["chicken", "menu", "main", "change*"]],
         "Jen", ["tonight"], [], [], []),
        ("no_van", "decision", "So that's a no on the van",
         [["van"], ["2 runs", "2 trips", "own van", "our van", "ours", "2 loads", "2 drops"]],
         None, None, [], [], ["chair*"]),
        # Reassigned: Luis said yes, then remembered Friday is braising day.
        ("chairs_pickup", "action", "The chairs are mine", [["chair*"]], "Tariq", ["friday"], [], ["Luis"], []),
        ("walkthrough", "date", "the walkthrough at Lakeview, that's Wednesday",
         [["walkthrough", "walk through", "site visit"], ["11", "wednesday"]], None, None, [], [], []),
        ("wedding_balance", "number", "The balance is four thousand two hundred",
         [["balance", "owe*", "outstanding", "remaining", "invoice"], ["4200"]], None, None, [], [], []),
        ("market_table", "decision", "let's just go with the second one",
         [["market"], ["pastr*", "coffee"]], None, None, [], [], []),
        ("sterno_open", "open", "hasn't told us if we can use sterno",
         [["sterno", "chafing", "flame", "burner*", "fuel"]], None, None, [], [], []),
    ],
    questions=[
        ("guests.how_much.in", "how_much", "so it's a hundred and forty-eight guests", "Doesn't change anything for me",
         "How many guests are coming to the Okafor wedding?", [["148"]], ["140"]),
        ("guests.how_much.evicted", "how_much", "so it's a hundred and forty-eight guests",
         "Do we need extra ice for Saturday", "How many guests are coming to the Okafor wedding?", [["148"]], ["140"]),
        ("lunch.how_much.in", "how_much", "they're at sixty-five boxed lunches now", "she just didn't like the cans",
         "How many boxed lunches does Brightline want?", [["65"]], []),
        ("lunch.how_much.evicted", "how_much", "they're at sixty-five boxed lunches now", "Okay, I think that's everything",
         "How many boxed lunches does Brightline want?", [["65"]], []),
        ("allergen.who.in", "who", "I'll do the allergen cards tomorrow night", "Anything else on Thursday?",
         "Who is doing the allergen cards for the Brightline lunch?", [["Luis"]], ["Kim"]),
        ("main.what.in", "what", "we drop the short rib, the main for the wedding", "Don't say that to the dad.",
         "What is the main course at the wedding?", [["chicken"]], ["short rib"]),
        ("main.why.in", "why", "we drop the short rib, the main for the wedding", "Don't say that to the dad.",
         "Why was the short rib dropped from the wedding menu?",
         [["11", "price*", "cost*", "pound", "expensive", "margin*"]], []),
        ("call.who.in", "who", "I'll call Mrs. Okafor tonight", "five hundred dollar hold",
         "Who will tell Mrs. Okafor about the menu change?", [["Jen"]], []),
        ("van.why.in", "why", "So that's a no on the van", "Guys. Later. Please.",
         "Why did they decide against renting the refrigerated van?",
         [["350", "cost*", "expensive", "silly", "money", "price*", "bucks", "dollars"]], []),
        ("chairs.who.in", "who", "The chairs are mine", "you need to see the loading dock",
         "Who is picking up the chairs from Party Plus?", [["Tariq"]], ["Luis"]),
        ("chairs.when.in", "when", "The chairs are mine", "They literally towed the florist",
         "When will the chairs be picked up?", [["friday"]], []),
        ("walkthrough.when.in", "when", "the walkthrough at Lakeview, that's Wednesday", "Writing it down. Ovens.",
         "When is the walkthrough at Lakeview?", [["11", "wednesday"]], []),
        ("balance.how_much.in", "how_much", "The balance is four thousand two hundred", "tempted to just skip it",
         "How much do the Okafors still owe?", [["4200"]], []),
        ("market.what.in", "what", "let's just go with the second one", "So I've got six confirmed",
         "What did they decide for the Sunday market?", [["pastr*", "coffee"]], []),
    ],
    nevers=[
        ("Which wine was chosen for the wedding toast?", ["wine", "toast"]),
        ("How much does the catering liability insurance cost?", ["insurance", "liability"]),
        ("Who is the photographer for the Okafor wedding?", ["photographer", "photo", "photos", "photograph"]),
    ],
    noise=[
        ("honda", "Whose silver Honda is that in the alley?", [["honda"]]),
        ("giants", "did anybody see the Giants last night?", [["giants"]]),
        ("lemon_bars", "there's lemon bars in the walk-in", [["lemon"]]),
        ("tongs", "Who moved my good tongs?", [["tongs"]]),
    ],
)  # fmt: skip

LIBRARY_VOLUNTEERS = Written(
    name="library_volunteers", split="dev", minutes=12,
    title="Eastside branch library: volunteer programme for the summer (teen shifts, book sale, kickoff)",
    speakers=["Denise", "Omar", "Kath", "Mei", "Phil"], transcript="bench/data/quality/library_volunteers.txt",
    facts=[
        ("kickoff_date", "date", "summer reading kickoff is Saturday the twenty-first of June",
         [["kickoff", "kick off", "summer reading"], ["june 21", "21"]], None, None, [], [], []),
        ("teens_signed_up", "number", "I've got twenty-two teens signed up",
         [["teen*", "volunteer*", "signed up", "sign up*"], ["22"]], None, None, [], [], []),
        ("teen_shifts", "decision", "they sign up for fixed two-hour shifts",
         [["shift*"], ["fixed", "set", "2 hour", "sign up", "signup", "schedul*", "drop in"]],
         None, None, [], [], ["form"]),
        ("signup_form", "action", "I'll make the sign-up form for the shifts",
         [["form", "sign up sheet", "signup sheet"]], "Mei", ["thursday"], [], [], []),
        # Linda in city HR processes them; Omar sends them.
        ("background_checks", "action", "So fifteen background checks", [["background"]],
         "Omar", ["friday"], [], ["Linda"], []),
        # Corrected: 1200 were the tables on the day; with the online sales 1460.
        ("sale_total", "number", "it was fourteen hundred and sixty from the spring book sale",
         [["sale*", "raised", "made"], ["1460"]], None, None, ["1200"], [], []),
        # Reversed: "community room, that's settled", then the carpet.
        ("sale_outside", "decision", "the book sale goes outside on the front lawn",
         [["sale"], ["lawn", "outside", "outdoor*", "tents"]], None, None, ["community room"], [], []),
        ("sale_date", "date", "Saturday July 12th, yes, same day as the street fair",
         [["sale", "street fair"], ["july 12"]], None, None, [], [], []),
        # Reassigned: Mei said yes, then remembered the conference.
        ("orientation", "action", "I've got the orientation", [["orientation"]],
         "Kath", ["14", "saturday"], [], ["Mei"], []),
        ("party_money", "number", "The Friends approved money for the volunteer thank-you party",
         [["party", "thank you", "appreciation"], ["300"]], None, None, [], [], []),
        ("aircon_open", "open", "So we just don't know if the air conditioning",
         [["air conditioning", "air con", "ac", "aircon", "air conditioner", "cooling"]], None, None, [], [], []),
    ],
    questions=[
        ("kickoff.when.in", "when", "summer reading kickoff is Saturday the twenty-first of June",
         "I specifically asked about the rabbit", "When is the summer reading kickoff?", [["june 21", "21"]], []),
        ("kickoff.when.evicted", "when", "summer reading kickoff is Saturday the twenty-first of June",
         "That's sweet. Yes. Write that.", "When is the summer reading kickoff?", [["june 21", "21"]], []),
        ("teens.how_much.in", "how_much", "I've got twenty-two teens signed up", "That's fair. That's really fair.",
         "How many teens have signed up to volunteer this summer?", [["22"]], ["9"]),
        ("teens.how_much.evicted", "how_much", "I've got twenty-two teens signed up", "Okay. Anything else? No?",
         "How many teens have signed up to volunteer this summer?", [["22"]], ["9"]),
        ("shifts.what.in", "what", "they sign up for fixed two-hour shifts", "I'll just add a tab for storytime",
         "What was decided about how the teen volunteers are scheduled?", [["shift*"]], []),
        ("form.who.in", "who", "I'll make the sign-up form for the shifts", "I'll put those in the form.",
         "Who is making the shift sign-up form?", [["Mei"]], []),
        ("form.when.in", "when", "I'll make the sign-up form for the shifts", "he's on the roof now, judging me",
         "When will the sign-up form be ready?", [["thursday"]], []),
        ("checks.who.in", "who", "So fifteen background checks", "And while we're on paperwork",
         "Who is sending the background checks to city HR?", [["Omar"]], ["Linda"]),
        ("sale_total.how_much.in", "how_much", "it was fourteen hundred and sixty from the spring book sale",
         "Good, community room, that's settled then", "How much did the spring book sale make?", [["1460"]], ["1200"]),
        ("sale_outside.what.in", "what", "the book sale goes outside on the front lawn", "Tent people. Strong ones.",
         "Where will the summer book sale be held?", [["lawn", "outside", "outdoor*"]], ["community room"]),
        ("sale_outside.why.in", "why", "the book sale goes outside on the front lawn", "Tent people. Strong ones.",
         "Why is the book sale not in the community room?", [["carpet*"]], []),
        ("sale_date.when.in", "when", "Saturday July 12th, yes, same day as the street fair",
         "we're full until after the sale? Politely?", "When is the summer book sale?", [["july 12"]], []),
        ("orientation.who.in", "who", "I've got the orientation", "Three hundred! Last year",
         "Who is running the orientation for the new teens?", [["Kath"]], ["Mei"]),
        ("orientation.when.in", "when", "I've got the orientation", "so they'll actually come",
         "When is the orientation for the new teen volunteers?", [["14", "saturday"]], []),
        ("party.how_much.in", "how_much", "The Friends approved money for the volunteer thank-you party",
         "Okay, I'll ask them.", "How much money did the Friends approve for the volunteer thank-you party?",
         [["300"]], []),
    ],
    nevers=[
        ("Which author is visiting for the summer reading kickoff?", ["author", "authors", "writer"]),
        ("How many laptops are lent out for homework help?",
         ["laptop", "laptops", "chromebook", "chromebooks", "computer", "computers"]),
        ("How long does the late-fee amnesty for overdue books last?", ["amnesty", "late fee", "late fees", "overdue"]),
    ],
    noise=[
        ("rabbit", "the thing with the rabbit again", [["rabbit"]]),
        ("pigeon", "There was a pigeon in the book drop", [["pigeon"]]),
        ("fish", "Whoever microwaved fish in the staff kitchen", [["fish", "salmon"]]),
        ("tomatoes", "my tomatoes finally came up", [["tomato*"]]),
    ],
)  # fmt: skip

MEETINGS = [CATERING_WEEK, LIBRARY_VOLUNTEERS]
