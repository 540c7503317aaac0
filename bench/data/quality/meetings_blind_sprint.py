"""A blind hand-written test meeting: a small software company's sprint review and planning (written.py).

Written by a helper that read neither the test meetings nor the notes engine, from a brief that named the
traps and a few phrasings of decisions said in passing. Written as people talk: fillers, false starts,
owners visible only from who answers, decisions said in passing, numbers and dates in words and digits.
Traps: an owner reassigned later, a number corrected, a decision reversed, a date moved, people mentioned
but not responsible, small talk. Fact rows: (id, section, line piece, keywords, owner, due, superseded,
wrong_owner, exclude); question rows: (id, kind, fact line piece, asked after the line with this piece,
question, answers, wrong).
"""

from __future__ import annotations

from written import Written

OUTAGE = "we were down for fifty-two minutes"
CAUSE = "The primary database ran out of disk"
DISK = "we page on the database disk at seventy-five percent"
TOKENS = "An hour, single use, and when we deploy"
RESET = "I'll have the reset token fix done and deployed by Friday"
RESEARCHER = "publish his blog post on the thirtieth of October"
HANDOVER = "I don't think I can also do a proper write-up by Thursday"
POSTMORTEM = "Give me the postmortem"
TICKETS = "we committed to thirty-one tickets and we closed twenty-six"
SYNC_STATE = "It's like sixty percent there"
CALENDAR = "Calendar sync is out of four point two"
RELEASE = "So four point two moves to Thursday the twenty-third of October"
HARBOUR = "It's fourteen thousand four hundred a year now"
CALL = "Then I'll call Lorraine tomorrow morning"
ROLLOUT_WHY = "imagine all eight hundred accounts getting it"
BILLING = "billing page stays behind the flag then"
WHY_AMARA = "Amara's done four years running Postgres"
SALARY = "Amara's asking ninety-five thousand"
OFFER = "So we're making the offer to Amara"
SEND = "I'll send the offer myself, by Friday"
CLOUD = "the cloud bill for September came in at eleven thousand two hundred"
STAGING = "Staging shuts down nights and weekends"
LOCK_IN = "But it locks us in for a year"
COMMITMENT = "So the one-year commitment stays open"
ROTA = "I'll have the new rota up by Monday"
CREDIT = "A credit for Harbour is still an open question"

SOFTWARE_SPRINT = Written(
    name="software_sprint", split="test", minutes=25,
    title="Pinecrest Software: sprint review and planning for Tidewell (outage, reset tokens, 4.2, Harbour, hiring, cloud bill)",
    speakers=["Nadia", "Sanjay", "Tomasz", "Elena", "Grace", "Marcus"],
    transcript="bench/data/quality/software_sprint.txt",
    facts=[
        ("outage_minutes", "number", OUTAGE, [["down", "outage", "downtime", "offline"], ["52"]], None, None, [], [], []),
        ("disk_alert", "decision", DISK, [["disk"], ["75"]], None, None, [], [], []),
        # Felix reviews it; Marcus does it.
        ("reset_fix", "action", RESET, [["reset"]], "Marcus", ["friday"], [], ["Felix"], []),
        ("researcher_date", "date", RESEARCHER, [["researcher", "publish*", "blog*", "disclos*"], ["30"]],
         None, None, [], [], []),
        # Reassigned: Marcus said yes, then gave it up for the reset fix.
        ("postmortem", "action", POSTMORTEM, [["postmortem", "post mortem", "incident report"]], "Sanjay",
         ["thursday"], [], ["Marcus"], []),
        ("calendar_cut", "decision", CALENDAR,
         [["calendar"], ["4.3", "out", "cut", "drop*", "next release", "pull*", "remov*", "moved"]],
         None, None, [], [], []),
        # Moved: Tuesday the fourteenth was the plan as of last sprint.
        ("release_date", "date", RELEASE, [["4.2", "release"], ["october 23", "23"]], None, None, ["14"], [], []),
        # Corrected: nine thousand was the old clinic plan.
        ("harbour_value", "number", HARBOUR,
         [["harbour", "contract", "year", "plan", "annual*", "worth"], ["14400"]], None, None, ["9000"], [], []),
        ("harbour_call", "action", CALL, [["lorraine", "harbour"], ["call*", "export*", "walk*"]], "Grace",
         ["tomorrow"], [], [], []),
        # Reversed: "the billing page goes out with it, to everyone" earlier.
        ("billing_flag", "decision", BILLING, [["billing"], ["flag", "beta"]], None, None,
         ["everyone", "everybody", "all customers", "all accounts"], [], []),
        ("amara_offer", "decision", OFFER, [["amara"], ["offer*", "hire*", "hiring"]], None, None, [], [], []),
        # Bruno signs off on the number; Nadia sends it.
        ("send_offer", "action", SEND, [["offer"]], "Nadia", ["friday"], [], ["Bruno"], []),
        ("cloud_bill", "number", CLOUD, [["cloud", "bill", "hosting"], ["11200"]], None, None, [], [], []),
        ("staging_off", "decision", STAGING, [["staging"], ["night*", "weekend*"]], None, None, [], [], []),
        ("commitment_open", "open", COMMITMENT, [["commitment", "reserved", "1 year"]], None, None, [], [], []),
        ("rota", "action", ROTA, [["rota", "on call schedule"]], "Tomasz", ["monday"], [], [], []),
        ("credit_open", "open", CREDIT, [["credit"], ["harbour", "outage"]], None, None, [], [], []),
    ],
    questions=[
        ("outage.how_much.in", "how_much", OUTAGE, "which is why it looked sort of half alive",
         "How long was the app down on Saturday?", [["52"]], ["half an hour"]),
        ("outage.how_much.evicted", "how_much", OUTAGE, STAGING,
         "How long was the app down on Saturday?", [["52"]], ["half an hour"]),
        ("cause.why.in", "why", CAUSE, "Fifty-two. I'll correct that with him.",
         "Why did bookings start failing on Saturday?", [["disk", "audit"]], []),
        ("cause.why.evicted", "why", CAUSE, "I'll leave a placeholder for her.",
         "Why did bookings start failing on Saturday?", [["disk", "audit"]], []),
        ("disk.what.in", "what", DISK, "we got a hundred and ten tickets over the weekend",
         "What did they decide about the database disk alert?", [["75"]], ["95"]),
        ("disk.what.evicted", "what", DISK, "After eight. Yes, boss.",
         "What did they decide about the database disk alert?", [["75"]], ["95"]),
        ("disk.how_much.evicted", "how_much", DISK, "one of you can't go anywhere",
         "At what disk usage will the team now get paged?", [["75"]], ["95"]),
        ("tokens.what.evicted", "what", TOKENS, "I didn't know it was in the handbook",
         "How long will a password reset link stay valid after the fix?", [["hour"]], []),
        ("reset.who.in", "who", RESET, "is this a bug bounty situation",
         "Who is fixing the password reset tokens?", [["Marcus"]], ["Felix"]),
        ("reset.who.evicted", "who", RESET, "Swap between yourselves, fine",
         "Who is fixing the password reset tokens?", [["Marcus"]], ["Felix"]),
        ("reset.when.in", "when", RESET, "Loads of time, as long as Friday holds",
         "When will the reset token fix be deployed?", [["friday"]], []),
        ("reset.when.evicted", "when", RESET, "There wasn't a last time",
         "When will the reset token fix be deployed?", [["friday"]], []),
        ("researcher.when.in", "when", RESEARCHER, "quick look back at the sprint",
         "When will the security researcher publish his blog post?", [["october 30", "30"]], []),
        ("researcher.when.evicted", "when", RESEARCHER, "Okay. Looking at it. I can say that.",
         "When will the security researcher publish his blog post?", [["october 30", "30"]], []),
        ("handover.why.in", "why", HANDOVER, "I'll dump it in the channel",
         "Why did Marcus give up the postmortem?", [["reset", "retention"]], []),
        ("postmortem.who.in", "who", POSTMORTEM, "supposed to be a two-point ticket",
         "Who is writing the postmortem of the outage?", [["Sanjay"]], ["Marcus"]),
        ("postmortem.who.evicted", "who", POSTMORTEM, "Ten minutes. Fair.",
         "Who is writing the postmortem of the outage?", [["Sanjay"]], ["Marcus"]),
        ("postmortem.when.evicted", "when", POSTMORTEM, "their own little section at the bottom",
         "When will the postmortem be written up?", [["thursday"]], []),
        ("tickets.how_much.in", "how_much", TICKETS, "They're lovely. They're not very technical.",
         "How many tickets did the team close this sprint?", [["26"]], ["31"]),
        ("tickets.how_much.evicted", "how_much", TICKETS, "What did we do last time?",
         "How many tickets did the team close this sprint?", [["26"]], ["31"]),
        ("sync.why.in", "why", SYNC_STATE, "Nobody's screaming for it except the one customer",
         "Why is Google Calendar sync not ready?", [["time zone*", "2 way", "60 percent", "repeating", "deleted"]],
         []),
        ("calendar.what.in", "what", CALENDAR, "I'll update the roadmap page",
         "What was decided about Google Calendar sync?", [["4.3", "out"]], []),
        ("calendar.what.evicted", "what", CALENDAR, "Support takes first line for the status page",
         "What was decided about Google Calendar sync?", [["4.3", "out"]], []),
        ("release.when.in", "when", RELEASE, "Harbour Physio Group. They're seven clinics",
         "When is the 4.2 release now?", [["october 23", "23"]], ["14"]),
        ("release.when.evicted", "when", RELEASE, "So can I offer them a month or not?",
         "When is the 4.2 release now?", [["october 23", "23"]], ["14"]),
        ("harbour.how_much.in", "how_much", HARBOUR, "The real fix is making the export async",
         "How much is the Harbour Physio Group contract worth a year?", [["14400"]], ["9000"]),
        ("harbour.how_much.evicted", "how_much", HARBOUR, "Can somebody order pizza for the demo?",
         "How much is the Harbour Physio Group contract worth a year?", [["14400"]], ["9000"]),
        ("call.who.in", "who", CALL, "wasn't Harbour the one confused by the new billing page",
         "Who will call Lorraine at Harbour about the exports?", [["Grace"]], []),
        ("call.who.evicted", "who", CALL, "I'm at the dentist Monday morning",
         "Who will call Lorraine at Harbour about the exports?", [["Grace"]], []),
        ("billing.what.in", "what", BILLING, "are you still doing the half marathon",
         "How will the new billing page be rolled out?", [["flag", "beta"]], ["everyone", "everybody"]),
        ("billing.why.in", "why", ROLLOUT_WHY, "I'd rather Grace didn't hate us",
         "Why is the new billing page not going to all customers at once?", [["tickets", "800", "outage"]], []),
        ("offer.what.in", "what", OFFER, "She's got a month's notice",
         "Which candidate is getting the offer for the backend role?", [["Amara"]], ["Kwame"]),
        ("amara.why.in", "why", WHY_AMARA, "Then I don't see a reason not to go with Amara",
         "Why was Amara preferred for the backend role?", [["postgres", "production", "payments"]], []),
        ("salary.how_much.in", "how_much", SALARY, "really nice to the front desk",
         "What salary is Amara asking for?", [["95000"]], ["88"]),
        ("send.who.in", "who", SEND, "I was on call on my fourth day",
         "Who is sending the offer to Amara?", [["Nadia"]], ["Bruno"]),
        ("cloud.how_much.in", "how_much", CLOUD, "Fourteen hundred for staging? Seriously?",
         "How much was the cloud bill for September?", [["11200"]], ["8500"]),
        ("staging.what.in", "what", STAGING, "I'll watch the queue depth for a week after",
         "What was decided about the staging environment?", [["night*", "weekend*"]], []),
        ("commitment.why.in", "why", LOCK_IN, "The retention job is honestly one line",
         "Why has the one-year commitment not been agreed?", [["lock*", "stuck"]], []),
        ("rota.who.in", "who", ROTA, "I didn't know it was in the handbook",
         "Who is redoing the on-call rota?", [["Tomasz"]], []),
        ("rota.when.in", "when", ROTA, "Swap between yourselves, fine",
         "When will the new on-call rota be ready?", [["monday"]], []),
        ("credit.who.in", "who", CREDIT, "I'll write the release notes and the customer email",
         "Who decides whether Harbour gets a credit for the outage?", [["Bruno"]], []),
    ],
    nevers=[
        ("What budget was set for the team offsite?", ["offsite", "off site", "retreat"]),
        ("Which conference is the team sending people to?", ["conference", "conferences"]),
        ("Who is the new product designer?", ["designer", "designers"]),
        ("When is the SOC 2 compliance review?", ["soc", "compliance"]),
        ("Which payment processor does the new billing page use?", ["processor", "stripe", "paypal"]),
        ("How much is the new laptop budget for engineers?", ["laptop", "laptops"]),
        ("What rating does the app have in the app store?", ["rating", "ratings", "app store"]),
        ("Who is the intern starting next sprint?", ["intern", "interns", "internship"]),
        ("What was decided about dark mode?", ["dark mode"]),
    ],
    noise=[
        ("cat", "the cat just walked across my keyboard", [["cat"]]),
        ("soap", "did anybody else's coffee taste like soap", [["soap", "descaler"]]),
        ("marathon", "are you still doing the half marathon", [["marathon"]]),
        ("geese", "has anyone seen the geese in the car park", [["geese", "goose"]]),
        ("pizza", "Can somebody order pizza for the demo", [["pizza", "pineapple"]]),
    ],
)  # fmt: skip

MEETINGS = [SOFTWARE_SPRINT]
