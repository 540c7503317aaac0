"""A blind hand-written test meeting: a community radio station's monthly programming and operations meeting.

Written by a helper that read neither the test meetings nor the notes engine (only written.py, spec.py,
make_quality.py, meetings_written.py, the README's sections on the set and the matching rules,
bench/quality_text.py and the two hand-written dev scripts, as format and style examples). Written as
people talk in a meeting: fillers, false starts, interruptions, owners visible only from who answers,
decisions said in passing, numbers and dates in words and digits. Traps: an owner reassigned later, a
number corrected, a decision reversed, a date moved, people mentioned but not responsible, small talk and
side remarks; facts spread through the whole meeting, early ones asked about late (evicted). Fact rows:
(id, section, line piece, keywords, owner, due, superseded, wrong_owner, exclude); question rows: (id,
kind, fact line piece, asked after the line with this piece, question, answers, wrong).
"""

from __future__ import annotations

from written import Written

# Fact line pieces (each names exactly one line of the script).
AMP_FAULT = "the power amplifier in the transmitter is on its way out"
NEW_AMP = "that one's six thousand two hundred"
REPAIR_QUOTE = "The repair with VAT is four thousand five hundred and sixty"
REPAIR = "So we repair it. The new amp is lovely"
BOOK_FERRIS = "I'll ring Ferris this afternoon and book them in"
INSURANCE = "We still haven't heard if the insurance will pay"
TARGET = "Twelve thousand pounds for the autumn drive"
MARATHON = "We're doing the outside broadcast from the finish line"
DRIVE_DATES = "The drive starts Sunday the nineteenth of October"
ARTWORK = "I'll do the artwork and get it all to Carol"
COMPLAINT = "a listener, a Mr Abbott, from Castle Road"
DELAY = "So from now on the Friday late show goes out through the delay"
REPLY = "I'll write back to Mr Abbott myself"
TRAINEES = "seven people have signed up for the presenter training"
LICENCE = "I'll do the whole application myself"
FEE = "The renewal is three hundred and seventy-five pounds now"
JAZZ = "Right, forget Sunday then, the church relay wins"
TRAINING = "Saturday the eighth, the training is mine"
DBS = "I'll get both DBS checks sorted"
SCHOOL_SHOW = "So the first school show goes out Thursday the sixth of November"
LIVE_OPEN = "hasn't confirmed whether they want it live or pre-recorded"

RADIO_STATION = Written(
    name="radio_station", split="test", minutes=25,
    title="Community radio station: monthly programming and operations meeting (transmitter, autumn drive, "
          "schedule, listener complaint, presenter training, licence renewal, school show)",
    speakers=["Yusuf", "Marta", "Declan", "Nkechi", "Ollie", "Hanne"],
    transcript="bench/data/quality/radio_station.txt",
    facts=[
        # Corrected on the spot: 3800 was before VAT.
        ("repair_quote", "number", REPAIR_QUOTE,
         [["repair*", "ferris", "quote*", "amp*", "transmitter"], ["4560"]], None, None, ["3800"], [], []),
        ("repair_not_replace", "decision", REPAIR,
         [["repair*", "fix*"], ["amp*", "transmitter"]], None, None, [], [], []),
        ("book_ferris", "action", BOOK_FERRIS, [["ferris", "engineer*", "repair*"]],
         "Declan", ["this afternoon", "today"], [], [], []),
        ("insurance_open", "open", INSURANCE, [["insur*", "broker"]], None, None, [], [], []),
        ("drive_target", "number", TARGET,
         [["target", "drive", "appeal", "fundrais*", "raise*", "goal"], ["12000"]], None, None, [], [], []),
        # Moved: the 12th is the half marathon.
        ("drive_start", "date", DRIVE_DATES,
         [["drive", "appeal", "fundrais*", "start*", "launch*", "begin*"], ["october 19"]],
         None, None, ["october 12"], [], []),
        # Carol at the print shop prints them; Nkechi does the artwork.
        ("drive_artwork", "action", ARTWORK, [["poster*", "leaflet*", "artwork", "print*", "design*"]],
         "Nkechi", ["october 1"], [], ["Carol"], []),
        ("late_show_delay", "decision", DELAY,
         [["delay", "dump"], ["friday", "late show", "late night", "kev"]], None, None, [], [], []),
        # Marta half offered; the letter is addressed to the station manager.
        ("reply_complaint", "action", REPLY, [["abbott", "complain*", "letter", "listener"]],
         "Yusuf", ["thursday"], [], ["Marta"], []),
        ("trainees", "number", TRAINEES,
         [["train*", "presenter*", "sign*", "volunteer*", "recruit*"], ["7"]], None, None, [], [], []),
        # Gerald did it last time and has left.
        ("licence_renewal", "action", LICENCE, [["licen*", "application", "renewal", "ofcom"]],
         "Hanne", ["end of this month", "end of the month", "end of september", "september 30", "september"],
         [], ["Gerald"], []),
        # Reversed: "Sunday at eight for Jazz Cellar then", then the church relay.
        ("jazz_slot", "decision", JAZZ, [["jazz"], ["wednesday*", "9"]], None, None, ["sunday"], [], []),
        # Reassigned: Ollie said he'd run it, then remembered his sister's wedding.
        ("presenter_training", "action", TRAINING, [["training", "train"]],
         "Marta", ["november 8", "saturday"], [], ["Ollie"], []),
        ("dbs_checks", "action", DBS, [["dbs", "check*", "safeguard*"]],
         "Ollie", ["next friday", "friday"], [], [], []),
        ("school_first_show", "date", SCHOOL_SHOW,
         [["school", "hillcrest", "student*", "sixth form*"], ["november 6"]], None, None, [], [], []),
        ("school_live_open", "open", LIVE_OPEN, [["live", "record*"]], None, None, [], [], []),
    ],
    questions=[
        # -- in the window (40-300 words after the fact line)
        ("amp_fault.what.in", "what", AMP_FAULT, "Two options, basically. I got two quotes.",
         "What part of the transmitter is failing?", [["amplifier", "amp", "output stage"]], []),
        ("new_amp.how_much.in", "how_much", NEW_AMP, REPAIR_QUOTE,
         "What would it cost to buy a replacement amplifier outright?", [["6200"]], []),
        ("repair_quote.how_much.in", "how_much", REPAIR_QUOTE, "But is a repair actually going to last?",
         "How much will the Ferris repair cost including VAT?", [["4560"]], ["3800"]),
        ("repair.what.in", "what", REPAIR, BOOK_FERRIS,
         "Did they settle on fixing the old amplifier or replacing it?", [["repair*", "fix*"]], []),
        ("repair.why.in", "why", REPAIR, "Okay, I'll warn the morning presenters",
         "Why aren't they buying a new amplifier?",
         [["afford*", "reserve", "money", "cost*", "expensive", "budget", "cheaper", "6200"]], []),
        ("engineer.when.in", "when", BOOK_FERRIS, "I've chased them twice.",
         "On what day is the repair engineer expected?", [["23", "tuesday"]], []),
        ("insurance.what.in", "what", INSURANCE, "The hail didn't help the aerial either",
         "What's still unresolved about paying for the transmitter damage?", [["insur*", "broker"]], []),
        ("target.how_much.in", "how_much", TARGET, "Don't forget the standing orders",
         "What's the fundraising goal for this autumn's appeal?", [["12000"]], ["9400"]),
        ("drive_start.when.in", "when", DRIVE_DATES, "Put me down for the Sunday.",
         "When does the autumn appeal begin on air?", [["october 19"]], ["october 12"]),
        ("drive_move.why.in", "why", MARATHON, "Put me down for the Sunday.",
         "Why was the fundraising launch pushed back a week?",
         [["half marathon", "marathon", "outside broadcast"]], []),
        ("artwork.who.in", "who", ARTWORK, "It's in Studio B. Under the desk.",
         "Who's handling the design of the appeal posters?", [["Nkechi"]], ["Carol"]),
        ("complaint.who.in", "who", COMPLAINT, "but Mr Abbott's point, and I think it's fair",
         "Which listener wrote in to complain?", [["abbott"]], []),
        ("delay.what.in", "what", DELAY, "Agreed. I'll tell him that as well.",
         "What was decided about the Friday night programme after the complaint?", [["delay", "dump"]], []),
        ("reply.who.in", "who", REPLY, "Seven. Brilliant.",
         "Who is answering the listener's letter?", [["Yusuf"]], ["Marta"]),
        ("reply.when.in", "when", REPLY, "then he can take the cat home",
         "When will the reply to the complaint go out?", [["thursday"]], []),
        ("trainees.how_much.in", "how_much", TRAINEES, "So the plan is one full day, Saturday the eighth of November",
         "How many new volunteers are booked onto the presenter course?", [["7"]], []),
        ("licence.who.in", "who", LICENCE, "The local content hours.",
         "Who is putting together the broadcasting licence renewal?", [["Hanne"]], ["Gerald"]),
        ("fee.how_much.in", "how_much", FEE, "I've got all the hustings audio somewhere",
         "What does it cost to renew the licence now?", [["375"]], []),
        ("jazz.when.in", "when", JAZZ, "Sorry, can I go back a sec?",
         "When will Bernie's jazz programme air from now on?", [["wednesday*"], ["9"]], ["sunday"]),
        ("jazz.why.in", "why", JAZZ, TRAINING,
         "Why couldn't the jazz show take the Sunday evening slot?", [["church", "relay", "aidan*", "service"]], []),
        ("training.who.in", "who", TRAINING, "Okay. Last big one, and it's a nice one.",
         "Who will lead the training day for the new presenters?", [["Marta"]], ["Ollie"]),
        ("training.when.in", "when", TRAINING, "Supervise meaning somebody trained.",
         "What day is the presenter training happening?", [["november 8", "saturday", "8"]], []),
        ("dbs.who.in", "who", DBS, "Good. Let them. We keep a copy, though.",
         "Who is getting the safeguarding checks done for the school project?", [["Ollie"]], []),
        ("school_show.when.in", "when", SCHOOL_SHOW, LIVE_OPEN,
         "When will the Hillcrest students' first programme be broadcast?", [["november 6", "thursday"]], []),
        ("school_live.what.in", "what", LIVE_OPEN, "It's been smelling of burning since June.",
         "What hasn't the school made up its mind about yet?", [["live", "record*"]], []),
        # -- evicted (1600+ words after the fact line): early facts asked about late
        ("amp_fault.what.evicted", "what", AMP_FAULT, "but Mr Abbott's point, and I think it's fair",
         "What part of the transmitter is failing?", [["amplifier", "amp", "output stage"]], []),
        ("new_amp.how_much.evicted", "how_much", NEW_AMP, "that guest was his cousin",
         "What would it cost to buy a replacement amplifier outright?", [["6200"]], []),
        ("repair_quote.how_much.evicted", "how_much", REPAIR_QUOTE, "Seven. Brilliant.",
         "How much will the Ferris repair cost including VAT?", [["4560"]], ["3800"]),
        ("repair.what.evicted", "what", REPAIR, "Yeah, yeah, I'll run it, same as the spring one.",
         "Did they settle on fixing the old amplifier or replacing it?", [["repair*", "fix*"]], []),
        ("repair.why.evicted", "why", REPAIR, "And we promised them right through to Christmas",
         "Why aren't they buying a new amplifier?",
         [["afford*", "reserve", "money", "cost*", "expensive", "budget", "cheaper", "6200"]], []),
        ("ferris.who.evicted", "who", BOOK_FERRIS, "Let them break things in Studio B first",
         "Who is arranging the engineer visit for the transmitter?", [["Declan"]], []),
        ("insurance.what.evicted", "what", INSURANCE, "he sent me a photo of a sunset",
         "What's still unresolved about paying for the transmitter damage?", [["insur*", "broker"]], []),
        ("target.how_much.evicted", "how_much", TARGET, "Fine. Budget it.",
         "What's the fundraising goal for this autumn's appeal?", [["12000"]], ["9400"]),
        ("drive_start.when.evicted", "when", DRIVE_DATES, "I did ask. She said no.",
         "When does the autumn appeal begin on air?", [["october 19"]], ["october 12"]),
        ("drive_end.when.evicted", "when", DRIVE_DATES, "Okay. Last big one, and it's a nice one.",
         "On what date does the fundraising drive wrap up?", [["november 2"]], []),
        ("artwork.who.evicted", "who", ARTWORK, "Any downside? Hanne",
         "Who's handling the design of the appeal posters?", [["Nkechi"]], ["Carol"]),
        ("artwork.when.evicted", "when", ARTWORK, "Great. So yes to Hillcrest, then.",
         "By what date should the print shop have the poster designs?", [["october 1"]], []),
        ("complaint.who.evicted", "who", COMPLAINT, "I'd push for recorded",
         "Which listener wrote in to complain?", [["abbott"]], []),
        ("delay.what.evicted", "what", DELAY, "Let's see how it goes and pick it up next month",
         "What was decided about the Friday night programme after the complaint?", [["delay", "dump"]], []),
        ("reply.who.evicted", "who", REPLY, "Don't encourage her, Declan.",
         "Who is answering the listener's letter?", [["Yusuf"]], ["Marta"]),
    ],
    nevers=[
        ("How much does the station pay in music royalties each year?", ["royalty", "royalties", "prs", "ppl"]),
        ("Which band is headlining the fundraising gig?", ["band", "bands", "gig", "gigs", "concert", "concerts"]),
        ("How much did the new studio microphones cost?", ["microphone", "microphones", "mic", "mics"]),
        ("When is the station's annual general meeting?", ["agm", "annual general meeting", "general meeting"]),
        ("Who designed the station's new logo?", ["logo", "logos"]),
        ("How many listeners did the latest audience survey show?", ["survey", "surveys", "rajar"]),
        ("How much rent does the station pay for its premises?", ["rent", "rents", "landlord", "lease"]),
        ("Which podcast platform will the shows be uploaded to?", ["podcast", "podcasts"]),
        ("Who is the new sponsor of the travel news?", ["sponsor", "sponsors", "sponsorship", "sponsored"]),
    ],
    noise=[
        ("cat", "who's been feeding the cat?", [["cat", "biscuit"]]),
        ("hail", "did anyone see the hailstones on Saturday?", [["hail*"]]),
        ("screwdriver", "whoever borrowed my good screwdriver set", [["screwdriver*"]]),
        ("stamps", "who even buys stamps anymore?", [["stamp*"]]),
        ("quiz", "Is anyone going to the quiz at the Feathers", [["quiz"]]),
    ],
)  # fmt: skip

MEETINGS = [RADIO_STATION]
