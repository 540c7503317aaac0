"""Blind hand-written test meeting: a small town museum plans a temporary quilt exhibition.

Written by a helper that read neither the notes engine nor the other test meetings (written.py explains the
form). The script is museum_exhibition.txt; only its gold is generated. Traps: the opening date moved (the
courier cannot come before the tenth: the sixth of March is superseded by the fourteenth); the insurance
value of the loans corrected (forty-two thousand was without the Fairlie quilt: sixty-eight thousand); a
decision reversed (hire two cases from Clearview, then borrow the county's spare cases for nothing); an owner
reassigned (Nadia offers to book the courier's room, then is away: Bridget books it); people mentioned but
not responsible (Lorraine receives the loan agreements Gareth sends, Pat helps Owen ring round but does not
do the rota, Dennis gives Helen the spend figures for the grant report); three things left open (the
councillor's speech, photography of the Fairlie quilt, the council's coach fund); small talk (the ice on Hob
Lane, the custard creams, lost reading glasses, darts, Tenerife). Facts are spread over the whole meeting;
15 questions are asked long after their fact (evicted), 25 in the window, 9 about things never discussed.
Fact rows: (id, section, line piece, keywords, owner, due, superseded, wrong_owner, exclude); question rows:
(id, kind, fact line piece, asked after the line with this piece, question, answers, wrong).
"""

from __future__ import annotations

from written import Written

UNSETTLED_WORDS = ["not", "yet", "open", "unclear", "unknown", "undecided", "unconfirmed", "waiting", "pending",
                   "still", "no"]  # fmt: skip

MUSEUM_EXHIBITION = Written(
    name="museum_exhibition", split="test", minutes=25,
    title="Ashby Town Museum: planning the Stitched in Ashby quilt exhibition (loans, cases, opening, schools)",
    speakers=["Helen", "Gareth", "Nadia", "Owen", "Bridget", "Felix"],
    transcript="bench/data/quality/museum_exhibition.txt",
    facts=[
        ("county_courier_date", "date", "The earliest Ruth can come is Monday the tenth of March",
         [["courier*", "ruth", "install*", "arriv*", "van"], ["march 10"]], None, None, [], [], []),
        # Moved: Thursday the sixth of March first, then the courier's date.
        ("opening_date", "date", "the opening moves to Friday the fourteenth of March",
         [["open*"], ["march 14"]], None, None, ["march 6"], [], []),
        # Corrected: 42,000 was the county's pieces alone; with the Fairlie quilt 68,000.
        ("loan_value", "number", "so the total on the loans is sixty-eight thousand pounds",
         [["insur*", "valu*", "loan*", "total"], ["68000"]], None, None, ["42000"], [], []),
        # Lorraine at the county receives them; Gareth signs and sends them.
        ("loan_agreements", "action", "I'll get the agreements signed and back to Lorraine",
         [["agreement*", "contract*", "paperwork"]], "Gareth", ["31", "january", "end of the month"], [],
         ["Lorraine"], []),
        ("light_level", "number", "The county say fifty lux maximum",
         [["lux", "light*"], ["50"]], None, None, [], [], []),
        # Reversed: "Let's hire the two from Clearview", then the county's spare cases for nothing.
        ("cases_borrowed", "decision", "Forget Clearview, we borrow the two cases from the county",
         [["case*"], ["borrow*", "county"]], None, None, ["clearview", "hire", "hiring", "hired"], [], []),
        # Reassigned: Nadia offered, then remembered the residential.
        ("courier_room", "action", "I'll book Ruth's room at the Swan",
         [["room", "hotel", "swan", "accommodation", "stay"], ["ruth", "courier*"]], "Bridget", ["friday"], [],
         ["Nadia"], []),
        ("guest_list", "number", "We've got a hundred and ten on the guest list",
         [["guest*", "invit*", "opening"], ["110"]], None, None, [], [], []),
        ("speech_open", "open", "So we honestly don't know yet whether he's doing the speech",
         [["speech", "pike", "councillor"]], None, None, [], [], []),
        ("school_mornings", "decision", "School visits are mornings only, Tuesday to Thursday",
         [["school*", "class*"], ["morning*"]], None, None, [], [], ["letter*"]),
        ("coach_fund_open", "open", "The council had a coach fund for school trips",
         [["coach*"], ["fund*", "council"]], None, None, [], [], []),
        ("school_letter", "action", "I'll send the booking letter to all twelve primary schools tomorrow",
         [["letter*"], ["school*", "primar*"]], "Nadia", ["tomorrow"], [], [], []),
        ("guide_volunteers", "number", "I've got sixteen volunteers signed up to guide",
         [["volunteer*", "guide*"], ["16"]], None, None, [], [], []),
        # Pat helps ring round but does not want the rota.
        ("guide_rota", "action", "So the rota's mine.", [["rota"]], "Owen", ["wednesday"], [], ["Pat"],
         ["talk", "training", "page"]),
        ("photos_open", "open", "the Fairlie family still haven't told me whether visitors can take photos",
         [["photo*", "photograph*", "camera*"]], None, None, [], [], []),
        # Dennis does the spend figures; Helen writes the report.
        ("grant_report", "action", "Dennis is doing me the spend figures",
         [["report"], ["grant", "pelham", "interim", "trust"]], "Helen", ["28", "february"], [], ["Dennis"],
         ["facilities", "annual"]),
        ("shop_tea_towels", "decision", "Let's just go with the tea towels, then",
         [["tea towel*"]], None, None, [], [], []),
    ],
    questions=[
        # in the window
        ("courier_date.when.in", "when", "The earliest Ruth can come is Monday the tenth of March",
         "I've already told a couple of the schools the sixth", "When can the county's courier get here?",
         [["march 10", "10"]], []),
        ("opening.when.in", "when", "the opening moves to Friday the fourteenth of March",
         "the county's pieces are valued at forty-two thousand", "When's the opening night now?",
         [["march 14", "14"]], ["march 6"]),
        ("loan_value.how_much.in", "how_much", "so the total on the loans is sixty-eight thousand pounds",
         "In a proper archive box.", "What's the total insurance value of the loans?", [["68000"]], ["42000"]),
        ("agreements.who.in", "who", "I'll get the agreements signed and back to Lorraine",
         "I'll fetch those myself.", "Who's sending the signed loan agreements back to the county?",
         [["Gareth"]], ["Lorraine"]),
        ("light.how_much.in", "how_much", "The county say fifty lux maximum", "I'll do a little panel by the door",
         "How bright can the lighting be on the quilts?", [["50"]], []),
        ("cases.what.in", "what", "Forget Clearview, we borrow the two cases from the county",
         "Oh, that's, no, you did tell me that.", "What did they decide about the sealed display cases?",
         [["borrow*", "county"]], ["clearview"]),
        ("collect_cases.who.in", "who", "I'll take the van up for them.", "Ground floor, she's got a bad knee",
         "Who's going to fetch the cases from the county museum?", [["Felix"]], []),
        ("courier_room.who.in", "who", "I'll book Ruth's room at the Swan", "They'll go through the side door",
         "Who's booking the courier's room at the Swan?", [["Bridget"]], ["Nadia"]),
        ("courier_room.when.in", "when", "I'll book Ruth's room at the Swan", "Good. I'll put a sign on the door.",
         "By when will the courier's room be booked?", [["friday"]], []),
        ("guests.how_much.in", "how_much", "We've got a hundred and ten on the guest list",
         "Yes, the nice ones.", "How many people are on the guest list for the opening?", [["110"]], []),
        ("speech.what.in", "what", "So we honestly don't know yet whether he's doing the speech",
         "It was a bad night for the dartboard.", "Is Councillor Pike giving the speech at the opening?",
         [["speech", "pike", "councillor"], UNSETTLED_WORDS], []),
        ("entry.what.in", "what", "No. Free, same as the rest of the museum.", "Nine! That's more than",
         "Will people have to pay to get into the exhibition?", [["free"]], []),
        ("schools.what.in", "what", "School visits are mornings only, Tuesday to Thursday",
         "And the teachers will want something to take away", "What was decided about when school groups can visit?",
         [["morning*"]], ["afternoon*"]),
        ("coach.why.in", "why", "The council had a coach fund for school trips", "Helen: Perfect.",
         "Why might some of the village schools not be able to come?", [["coach*", "200", "fund*", "cuts"]], []),
        ("letter.who.in", "who", "I'll send the booking letter to all twelve primary schools tomorrow",
         "I put the call out at the Friends' coffee morning", "Who's sending out the booking letter to the schools?",
         [["Nadia"]], []),
        ("guides.how_much.in", "how_much", "I've got sixteen volunteers signed up to guide", "They're keen.",
         "How many volunteers have signed up to be guides?", [["16"]], []),
        ("rota.who.in", "who", "So the rota's mine.", "Ten's fine.", "Who's drawing up the guide rota?",
         [["Owen"]], ["Pat"]),
        ("training.when.in", "when", "I'll do a talk for them.", "Fine by me. Nobody wanted the Thursday evenings",
         "When is the briefing talk for the guides?", [["march 1", "saturday"]], []),
        ("rota.when.in", "when", "So the rota's mine.", "I can chase her. Gently.",
         "When will the guide rota go out?", [["wednesday"]], []),
        ("late.why.in", "why", "I don't think so, not this time.", "Gently. Right. The grant report.",
         "Why aren't they doing Thursday late openings this time?", [["dim", "dark", "light*"]], []),
        ("photos.what.in", "what", "the Fairlie family still haven't told me whether visitors can take photos",
         "Twelve and a half, yes, thank you", "Can visitors take photos of the Fairlie wedding quilt?",
         [["photo*", "photograph*", "fairlie"], UNSETTLED_WORDS], []),
        ("report.who.in", "who", "Dennis is doing me the spend figures", "Okay. Shop, and then we're done",
         "Who's writing the interim report for the Pelham Trust?", [["Helen"]], ["Dennis"]),
        ("report.when.in", "when", "Dennis is doing me the spend figures", "My wife has forty tote bags",
         "When is the grant report due?", [["28", "february 28"]], []),
        ("towels.how_much.in", "how_much", "Shop. I've got two quotes from the printer in Moreton",
         "Eight pounds fifty, I was thinking", "How much will the two hundred tea towels cost the museum?",
         [["440"]], ["900"]),
        ("shop.what.in", "what", "Let's just go with the tea towels, then", "It's probably the socket",
         "Which did they pick for the gift shop, the tote bags or the tea towels?", [["tea towel*"]], ["tote*"]),
        # evicted: said early, asked late
        ("county_pieces.how_much.evicted", "how_much", "The county museum is lending nineteen pieces",
         "A raffle's fine, as long as it's quick", "How many pieces is the county museum lending?", [["19"]], []),
        ("objects.how_much.evicted", "how_much", "that's thirty-four objects in all", "Okay. Schools. Nadia",
         "How many objects will be in the exhibition altogether?", [["34"]], []),
        ("courier.who.evicted", "who", "Ruth Bellamy, yeah.", "Thank you, Owen. Speaking of you. Guides.",
         "Who is the county sending as its courier?", [["ruth", "bellamy"]], []),
        ("courier_date.when.evicted", "when", "The earliest Ruth can come is Monday the tenth of March",
         "Two a shift, lovely.", "What day does the courier arrive for the install?", [["march 10", "10"]], []),
        ("premium.how_much.evicted", "how_much", "an extra three hundred and ten pounds on our policy",
         "Twelve thousand five hundred.", "How much extra will the insurance premium be for the show?", [["310"]],
         []),
        ("agreements.who.evicted", "who", "I'll get the agreements signed and back to Lorraine",
         "I can chase her. Gently.", "Who's dealing with the county's loan agreements?", [["Gareth"]], ["Lorraine"]),
        ("opening.why.evicted", "why", "the opening moves to Friday the fourteenth of March",
         "I'll ask her. She'll say no to half of it.", "Why did the opening have to move?",
         [["courier*", "ruth", "install*", "10"]], []),
        ("lux.how_much.evicted", "how_much", "The county say fifty lux maximum", "Tenerife in January.",
         "What's the maximum light level allowed on the textiles?", [["50"]], []),
        ("opening.when.evicted", "when", "the opening moves to Friday the fourteenth of March",
         "Okay. Shop, and then we're done", "When does the exhibition open?", [["march 14", "14"]], ["march 6"]),
        ("loan_value.how_much.evicted", "how_much", "so the total on the loans is sixty-eight thousand pounds",
         "Nobody complains about tea towels.", "How much are the loaned objects insured for in total?", [["68000"]],
         ["42000"]),
        ("cases.what.evicted", "what", "Forget Clearview, we borrow the two cases from the county",
         "I'll ask her both at once.", "Where are the sealed cases coming from?", [["borrow*", "county"]],
         ["clearview"]),
        ("courier_room.who.evicted", "who", "I'll book Ruth's room at the Swan", "Three weeks is the eleventh",
         "Who ended up booking Ruth's accommodation?", [["Bridget"]], ["Nadia"]),
        ("agreements.when.evicted", "when", "I'll get the agreements signed and back to Lorraine",
         "Great. Okay, thank you, everybody.", "When are the loan agreements due back at the county?",
         [["31", "end of january", "end of the month"]], []),
        ("cases.why.evicted", "why", "Forget Clearview, we borrow the two cases from the county",
         "Thanks. I'll need it. Between eight and one.", "Why aren't they hiring the cases from Clearview after all?",
         [["free", "nothing", "650", "cost*", "money", "cheap*"]], []),
        ("guests.how_much.evicted", "how_much", "We've got a hundred and ten on the guest list",
         "Thanks. I'll need it. Between eight and one.", "How big is the guest list for the opening night?",
         [["110"]], []),
    ],
    nevers=[
        ("Which security firm is watching the building while the loans are in?",
         ["security", "alarm", "alarms", "cctv", "guard", "guards"]),
        ("How much will the exhibition catalogue cost to print?",
         ["catalogue", "catalogues", "catalog", "brochure", "booklet"]),
        ("Who's designing the poster for the quilt show?", ["poster", "posters", "designer", "flyer", "flyers"]),
        ("Are they doing audio guides for the exhibition?", ["audio", "headset", "headsets"]),
        ("When is the press preview for the local paper?",
         ["press", "journalist", "journalists", "newspaper", "reporter", "reporters"]),
        ("Which musicians are playing at the opening night?",
         ["music", "musician", "musicians", "band", "quartet", "choir"]),
        ("Is the upstairs gallery wheelchair accessible?",
         ["wheelchair", "wheelchairs", "lift", "ramp", "accessible", "accessibility"]),
        ("How much are they spending on social media adverts for the show?",
         ["social media", "facebook", "instagram", "advertising", "advert", "adverts", "advertisement"]),
        ("Where will the school groups eat their packed lunches?", ["lunch", "lunches", "packed lunch"]),
    ],
    noise=[
        ("ice", "It's sheet ice past the farm shop", [["ice"]]),
        ("custard", "Somebody finished the custard creams", [["custard"]]),
        ("glasses", "has anyone seen my reading glasses", [["reading glasses"]]),
        ("darts", "is anyone doing the darts at the Plough", [["darts"]]),
        ("tenerife", "Is Dennis back from Tenerife?", [["tenerife"]]),
    ],
)  # fmt: skip

MEETINGS = [MUSEUM_EXHIBITION]
