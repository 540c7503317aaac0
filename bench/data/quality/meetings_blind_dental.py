"""A blind hand-written test meeting: a small dental practice's monthly staff meeting (written.py).

Written by a helper that read neither the notes engine nor the other test meetings, from the brief in
blind_brief.md, in the style of a real transcript: fillers, false starts, interruptions, owners visible
only from who answers, decisions said in passing, numbers and dates in words. Its traps: an owner
reassigned later (the audit checklist), a number corrected (January's no-shows), a decision reversed
(the hygienist advert, part-time then full-time), a date moved (the booking system's switchover), people
mentioned but not responsible (the software trainer who runs but does not book the training; the
associate dentist whose patient complained), small talk and side remarks (noise rows), two matters left
open, early facts asked about late (evicted questions) and never-discussed questions close to the topic.
Fact rows: (id, section, line piece, keywords, owner, due, superseded, wrong_owner, exclude); question
rows: (id, kind, fact line piece, asked after the line with this piece, question, answers, wrong).
"""

from __future__ import annotations

from written import Written

GOLIVE = "So the switchover is Monday the seventeenth of March now"
TRAINING = "I'll book the training with Steve for a Wednesday morning"
NO_SHOWS = "With the hygiene ones it's thirty-one no-shows for January"
NO_MOBILE = "I went through the list, it's only about fifteen people"
REMINDERS = "Text reminders two days before, and we stop ringing everyone"
AUDIT_DATE = "It has to be done and signed off by Friday the twenty-eighth of March"
AUTOCLAVE = "repair it then, the four hundred and twenty"
ENGINEER = "Thursday. He said Thursday morning, first thing"
CHECKLIST = "Give it here, I'll do the checklist."
LAST_DAY = "My last day is Friday the twenty-fifth of April."
WAITING = "that's about ninety people now, I checked on Friday"
LOCUM = "The locum's two hundred and eighty pounds a day"
ADVERT = "Let's just go full-time then, four days"
HANDOVER = "I'll do a handover list for my gum patients"
INCREASE = "It's a nine percent increase across the board"
NORTHWAY_QUOTE = "So I did get a quote from Northway"
GLOVES = "let's just go with Northway for the gloves then"
YEARLY = "it's about eighteen hundred pounds a year"
COMPOSITE = "whether the composite goes up or not, we don't know yet"
DOHERTY = "so I'll ring Mr. Doherty myself on Thursday"
REFUND = "and the standard filling is sixty-five pounds"
OMBUDSMAN = "Will she actually go to the ombudsman?"
AGENCY = "I'll get an agency nurse from Bridgeway"

DENTAL_PRACTICE = Written(
    name="dental_practice", split="test", minutes=25,
    title="Dental practice monthly staff meeting (booking system, audit, hygienist leaving, suppliers, "
          "complaints, holidays)",
    speakers=["Fiona", "Anand", "Carys", "Gemma", "Tomasz", "Leanne"],
    transcript="bench/data/quality/dental_practice.txt",
    facts=[
        # Moved: the third of March, then the seventeenth (the records cannot come across before the tenth).
        ("golive", "date", GOLIVE,
         [["switch*", "booking", "system", "software", "go live", "goes live", "changeover", "live"],
          ["march 17", "17"]], None, None, ["march 3"], [], []),
        # Steve runs the training; Tomasz books it.
        ("training", "action", TRAINING, [["train*"]], "Tomasz", ["friday"], [], ["Steve"], []),
        # Corrected: twenty-three were the dentists' list only.
        ("no_shows", "number", NO_SHOWS,
         [["no show*", "missed", "dna*", "did not attend", "failed", "empty slot*", "did not turn up"], ["31"]],
         None, None, ["23"], [], []),
        ("reminders", "decision", REMINDERS, [["text*", "sms"], ["remind*"]], None, None, [], [], []),
        ("audit_date", "date", AUDIT_DATE, [["audit"], ["march 28", "28"]], None, None, [], [], []),
        ("autoclave", "decision", AUTOCLAVE,
         [["autoclave*", "steriliser*", "sterilizer*"], ["repair*", "fix*", "mend*"]], None, None, [], [], []),
        # Reassigned: Gemma said she would, then remembered her course in Cardiff.
        ("checklist", "action", CHECKLIST, [["checklist*", "audit tool"]], "Leanne", ["21"], [], ["Gemma"], []),
        ("last_day", "date", LAST_DAY, [["last day", "leav*", "carys"], ["april 25", "25"]], None, None, [], [], []),
        ("locum", "number", LOCUM, [["locum*", "agency", "bridgeway"], ["280"]], None, None, [], [], []),
        # Reversed: "part-time, three days", then Carys on the waiting list.
        ("advert", "decision", ADVERT,
         [["advert*", "job*", "vacancy", "recruit*", "hygienist", "post", "role", "position", "hire", "hiring"],
          ["full time", "4 days"]], None, None, ["part time", "3 days"], [], []),
        ("handover", "action", HANDOVER, [["handover", "hand over"]], "Carys", ["end of march", "march"], [], [], []),
        ("increase", "number", INCREASE,
         [["dentacare", "supplier*", "price*", "increase*", "rise", "going up"], ["9 percent"]],
         None, None, [], [], []),
        ("gloves", "decision", GLOVES, [["glove*"], ["northway"]], None, None, [], [], []),
        ("composite_open", "open", COMPOSITE, [["composite"]], None, None, [], [], []),
        # Dr. Brennan did the filling; Anand rings.
        ("doherty_call", "action", DOHERTY, [["doherty", "complain*"]], "Anand", ["thursday"], [], ["Brennan"], []),
        ("ombudsman_open", "open", OMBUDSMAN, [["ombudsman"]], None, None, [], [], []),
        ("agency_nurse", "action", AGENCY, [["agency"], ["nurse*"]], "Fiona", ["tomorrow"], [], [], []),
    ],
    questions=[
        # In the window (40-300 words after the fact).
        ("golive.when.in", "when", GOLIVE, "Fine, the seventeenth. Honestly",
         "When's the switchover to the new booking system happening now?", [["march 17", "17"]], ["march 3"]),
        ("training.who.in", "who", TRAINING, "Whole morning. Noted.",
         "Who's booking the staff training for the new system?", [["Tomasz"]], ["Steve"]),
        ("no_shows.how_much.in", "how_much", NO_SHOWS, "tell them what you suggested to me on Friday",
         "How many no-shows did the practice have in January?", [["31"]], ["23"]),
        ("reminders.why.in", "why", REMINDERS, "If only. I'd pay for that myself.",
         "Why are they moving from phone calls to text reminders?",
         [["hour", "time", "phone", "voicemail*", "pick up", "ringing", "morning"]], []),
        ("audit_date.when.in", "when", AUDIT_DATE, "Okay. What else?",
         "When does the infection control audit have to be signed off?", [["march 28", "28"]], []),
        ("autoclave.how_much.in", "how_much", AUTOCLAVE, "I'll keep surgery two light till Friday",
         "How much is the autoclave repair going to cost?", [["420"]], ["3100"]),
        ("engineer.when.in", "when", ENGINEER, "A little boy asked me yesterday",
         "When is the engineer coming in to fix the autoclave?", [["thursday"]], []),
        ("autoclave.why.in", "why", AUTOCLAVE, "It's not dead, I saw it move",
         "Why are they fixing the old autoclave rather than buying a new one?",
         [["cheap*", "3 grand", "3000", "3100", "cost*", "money", "budget*", "420", "next year", "expensive"]], []),
        ("checklist.who.in", "who", CHECKLIST, "Lovely. Thank you, Leanne.",
         "Who's doing the audit checklist now?", [["Leanne"]], ["Gemma"]),
        ("checklist.why.in", "why", CHECKLIST, "You can owe me a flapjack.",
         "Why isn't Gemma doing the audit checklist herself?", [["course", "cardiff"]], []),
        ("last_day.when.in", "when", LAST_DAY, "So. The gap. Carys does four days",
         "When is Carys's last day at the practice?", [["april 25", "25"]], []),
        ("locum.how_much.in", "how_much", LOCUM, "Fine. Book her.",
         "How much does the locum hygienist from the agency cost per day?", [["280"]], []),
        ("advert.what.in", "what", ADVERT, "Later. Please. Gemma, you had a question",
         "Is the new hygienist job going to be part-time or full-time?", [["full time", "4 days"]], ["part time"]),
        ("advert.why.in", "why", ADVERT, "did anybody watch the rugby on Saturday",
         "Why did Anand change his mind about a part-time hygienist?",
         [["waiting", "90", "catch up", "demand", "backlog"]], []),
        ("handover.when.in", "when", HANDOVER, "It's a bit weird. But yes.",
         "When will the handover list for the gum patients be ready?", [["end of march", "march"]], []),
        ("increase.how_much.in", "how_much", INCREASE, "I liked them too.",
         "By how much is Dentacare putting its prices up?", [["9 percent", "9"]], []),
        ("gloves.why.in", "why", NORTHWAY_QUOTE, "Just the gloves. Okay.",
         "Why are the gloves moving to Northway?", [["cheap*", "12", "price*", "cost*", "saving*"]], []),
        ("gloves.what.in", "what", GLOVES, "Fine. Monday mornings it is.",
         "Which supplier will the gloves come from now?", [["northway"]], ["dentacare"]),
        ("yearly.how_much.in", "how_much", YEARLY, "Can we hold off ordering till we know?",
         "Roughly what will the Dentacare increase cost the practice over a year?", [["1800"]], []),
        ("composite.what.in", "what", COMPOSITE, "Fine. I'll chase her.",
         "Is the composite going up in price as well?",
         [["composite", "rep", "find out", "separate", "agreement", "not known", "unclear", "not sure"]], []),
        ("doherty.who.in", "who", DOHERTY, "Yes, please, do that.",
         "Who's going to ring Mr. Doherty about his complaint?", [["Anand"]], ["Brennan"]),
        ("doherty.when.in", "when", DOHERTY, "And Dr. Brennan?",
         "When will Mr. Doherty get his phone call?", [["thursday"]], []),
        ("refund.how_much.in", "how_much", REFUND, "Not a telling-off.",
         "How much money is Mr. Doherty getting back?", [["65"]], ["160"]),
        ("ombudsman.what.in", "what", OMBUDSMAN, "Could we not keep a slot back each day?",
         "Is Mrs. Pryce going to take her complaint to the ombudsman?",
         [["ombudsman", "might", "do not know", "not sure", "unclear"]], []),
        ("agency.who.in", "who", AGENCY, "The last one didn't know where anything lived",
         "Who's sorting out an agency nurse for Easter week?", [["Fiona"]], []),
        # Evicted (1600+ words after the fact).
        ("golive.when.evicted", "when", GOLIVE, "Full-time, four days. Okay.",
         "When does the practice switch over to the new booking system?", [["march 17", "17"]], ["march 3"]),
        ("golive.why.evicted", "why", GOLIVE, "Yeah, the complicated ones.",
         "Why was the booking system switchover pushed back?",
         [["record*", "10", "data", "migrat*", "transfer*", "behind"]], []),
        ("training.who.evicted", "who", TRAINING, "Right. Supplies. So Dentacare have written to us",
         "Who is arranging the training session with the software company?", [["Tomasz"]], ["Steve"]),
        ("training.when.evicted", "when", TRAINING, "I'll set up the account with them this week",
         "By when will the booking system training be in the diary?", [["friday"]], []),
        ("no_shows.how_much.evicted", "how_much", NO_SHOWS, "What about the composite, though?",
         "How many patients didn't turn up for their appointments in January?", [["31"]], ["23"]),
        ("reminders.what.evicted", "what", REMINDERS, "Okay. Complaints. We've had two this month",
         "What did they decide about appointment reminders?", [["text*", "sms"]], []),
        ("audit_date.when.evicted", "when", AUDIT_DATE, "Which isn't a treatment plan, is it.",
         "What's the deadline for the decontamination audit?", [["march 28", "28"]], []),
        ("autoclave.what.evicted", "what", AUTOCLAVE, "Was that the week Dr. Brennan was off",
         "What did they decide to do about the broken autoclave in surgery two?", [["repair*", "fix*", "mend*"]], []),
        ("autoclave.how_much.evicted", "how_much", AUTOCLAVE, "That's a fair point, actually.",
         "How much will fixing the autoclave cost?", [["420"]], ["3100"]),
        ("checklist.who.evicted", "who", CHECKLIST, "Okay. Last thing. Holidays.",
         "Who ended up with the audit checklist?", [["Leanne"]], ["Gemma"]),
        ("checklist.when.evicted", "when", CHECKLIST, "my puppy's going into kennels",
         "When does the audit checklist need to be finished?", [["21"]], []),
        ("last_day.when.evicted", "when", LAST_DAY, "Could I do the mornings?",
         "When is Carys leaving?", [["april 25", "25"]], []),
        ("waiting.how_much.evicted", "how_much", WAITING, "I'm off the first two weeks of August",
         "How long is the waiting list for new gum patients?", [["90"]], []),
        ("locum.how_much.evicted", "how_much", LOCUM, "It's on the chart. It's been on the chart since January.",
         "What's the daily rate for the agency locum hygienist?", [["280"]], []),
        ("advert.what.evicted", "what", ADVERT, "Right. Anything else? Any other business?",
         "What did they decide about advertising Carys's job?", [["full time", "4 days"]], ["part time"]),
        ("handover.who.evicted", "who", HANDOVER, "I was dreading today.",
         "Who's writing up the handover list for the gum patients?", [["Carys"]], []),
    ],
    nevers=[
        ("How much is the new X-ray machine going to cost?", ["x ray", "xray", "x rays", "radiograph*"]),
        ("What's the practice charging for teeth whitening now?", ["whitening", "bleach*"]),
        ("Which dental lab makes the practice's crowns?", ["lab", "labs", "laborator*", "crown", "crowns"]),
        ("When is the next CPR and medical emergencies training?",
         ["cpr", "resuscitation", "defibrillator", "medical emergenc*"]),
        ("Who's the practice's new trainee dental nurse?", ["trainee", "trainees", "apprentice*", "student", "students"]),
        ("How much did the intraoral scanner cost?", ["scanner", "scanners", "intraoral"]),
        ("What did they decide about the new staff uniforms?", ["uniform", "uniforms", "scrubs", "tunic*"]),
        ("How many patients have signed up to the monthly payment plan?",
         ["payment plan", "denplan", "membership", "monthly plan"]),
        ("Who's the practice's safeguarding lead?", ["safeguarding"]),
    ],
    noise=[
        ("flapjacks", "yes, the flapjacks are mine", [["flapjack*", "golden syrup"]]),
        ("fish_tank", "the fish tank in the waiting room", [["fish tank", "fish"]]),
        ("rugby", "did anybody watch the rugby on Saturday", [["rugby"]]),
        ("radio_jingle", "that jingle for the carpet shop", [["jingle", "carpet shop", "radio station"]]),
        ("puppy", "my puppy's going into kennels", [["puppy", "kennels", "spaniel"]]),
        ("yoghurts", "the yoghurts in the staffroom fridge", [["yoghurt*"]]),
    ],
)  # fmt: skip

MEETINGS = [DENTAL_PRACTICE]
