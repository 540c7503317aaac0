"""Test meetings of the quality set (report only, never tune on them): an incident post-mortem, a budget
review. The school board committee is in meetings_school.py, the two-hour planning meeting in
meetings_long.py."""

from __future__ import annotations

from spec import TRAP, Ask, Block, Fact, Meeting, Never, Noise

# -- incident post-mortem, 20 minutes --------------------------------------------------------------------

INC = {
    "duration": Fact(
        "duration", "number", [["outage", "incident", "down", "recover*", "lasted", "duration"], ["47 minutes", "47 min"]],
        superseded=["an hour", "1 hour", "60 minutes"],
        asks=[Ask("how_much", "How long did the outage last?", [["47"]], ["an hour"])]),
    "customers": Fact(
        "customers", "number", [["customer*", "accounts", "users", "affected"], ["1200"]], superseded=["900"],
        asks=[Ask("how_much", "How many customers were affected by the outage?", [["1200"]], ["900"])]),
    "root_cause": Fact(
        "root_cause", "decision", [["certificate", "cert", "tls"], ["expir*"]],
        asks=[Ask("why", "Why did the payment gateway go down?", [["certificate", "cert", "tls"]]),
              Ask("what", "What was the root cause of the outage?", [["certificate", "cert", "tls"]], windows=("evicted",))]),
    "alerting": Fact(
        "alerting", "action", [["alert*", "monitor*"]], owner="Kwame", due=["wednesday"],
        asks=[Ask("who", "Who is adding the certificate expiry alerts?", [["Kwame"]]),
              Ask("when", "When will the expiry alerting be in place?", [["wednesday"]], windows=("in",))]),
    "runbook": Fact(
        "runbook", "action", [["runbook", "run book"]], owner="Ingrid", wrong_owner=["Luis"],
        asks=[Ask("who", "Who is updating the runbook?", [["Ingrid"]], ["Luis"])]),
    "deploys": Fact(
        "deploys", "decision", [["second reviewer", "second review", "two reviewers", "second approv*", "another reviewer",
                                 "second person", "peer review", "second pair"]],
        superseded=["friday deploy*", "deploys on friday*", "no deploys", "deploy freeze", "freeze"],
        asks=[Ask("what", "What was decided about deploys after the incident?",
                  [["review*", "second person", "approv*"]], ["friday"])]),
    "status_email": Fact(
        "status_email", "action", [["email", "status update", "apology", "notif*", "letter"]], owner="Luis",
        due=["today", "tonight", "end of day"],
        asks=[Ask("who", "Who is writing to the affected customers?", [["Luis"]])]),
    "vendor_call": Fact(
        "vendor_call", "action", [["vendor", "certificate authority", "provider"]], owner="Nadia", wrong_owner=["Tariq"],
        exclude=["runbook", "alert"],
        asks=[Ask("who", "Who will talk to the certificate vendor?", [["Nadia"]], ["Tariq"])]),
    "credits": Fact("credits", "open", [["credit*", "refund*", "compensat*"]]),
    "followup": Fact(
        "followup", "date", [["follow up", "review", "check in", "meet again", "revisit"], ["march 12"]],
        asks=[Ask("when", "When is the follow-up review?", [["march 12"]])]),
}

INCIDENT = Meeting(
    name="incident_postmortem", split="test", minutes=20, seed=2401,
    title="Post-mortem: the payment gateway outage",
    speakers=["Nadia", "Kwame", "Ingrid", "Luis"], chair="Nadia",
    reserved=["certificate", "expired", "expiry", "outage", "runbook", "run book", "Tariq", "vendor", "credit", "credits",
              "refund", "Friday", "reviewer", "second reviewer", "march", "email", "apology", "47", "1200", "900",
              "hour", "alerting", "bowling"],
    blocks=[
        Block("opening", "", 0.5, lead="Nadia", small_talk=1, scene_at=0.5, scene=[
            ("Kwame", "Did anyone else go to the bowling night on Thursday? I scored a ninety-eight and I'm "
                      "still proud of it.", Noise("bowling", [["bowling"]])),
            ("Ingrid", "Ninety-eight is not a score to be proud of, Kwame."),
            ("Kwame", "It is for me."),
            ("Nadia", "Okay, let's start. This is the blameless review of Tuesday's outage of the payment gateway. "
                      "Timeline first, then the cause, then what we change."),
        ]),
        Block("timeline", "the timeline", 1.5, lead="Kwame", scene_at=0.45, scene=[
            ("Kwame", "So the gateway started failing right after two in the afternoon. My first estimate was that "
                      "we were down for about an hour.", TRAP),
            ("Ingrid", "I went through the logs again last night. From the first alert to full recovery it was "
                       "forty-seven minutes, not an hour.", INC["duration"]),
            ("Kwame", "Okay, good, that's better than I thought."),
            ("Luis", "On the customer side, support first counted about nine hundred affected customers.", TRAP),
            ("Luis", "But the final number from the payment logs is twelve hundred customers who had at least one "
                     "failed payment.", INC["customers"]),
            ("Nadia", "Twelve hundred. Okay. That's the number we use everywhere from now on."),
        ]),
        Block("cause", "the root cause", 1.4, lead="Ingrid", scene_at=0.4, scene=[
            ("Ingrid", "The root cause is simple and a bit embarrassing: the TLS certificate on the payment gateway "
                       "expired, and nothing renewed it.", INC["root_cause"]),
            ("Kwame", "The renewal job had been failing silently for three weeks."),
            ("Nadia", "Why didn't we see it?"),
            ("Kwame", "Because we don't alert on certificate expiry at all. I'll add expiry alerting for every "
                      "certificate by Wednesday.", INC["alerting"]),
            ("Ingrid", "And the vendor's renewal notice went to an old mailbox. Tariq, our contact at the vendor, "
                       "confirmed that on the phone."),
            ("Nadia", "I'll call the vendor myself this week and get the contact address fixed. Tariq was helpful, "
                      "but it's on us to sort it out.", INC["vendor_call"]),
        ]),
        Block("changes", "what we change", 1.6, lead="Nadia", scene_at=0.5, scene=[
            ("Luis", "I can update the runbook so the on-call person knows how to swap a certificate by hand.", TRAP),
            ("Ingrid", "Luis, you're on leave from Monday for two weeks. Let me do the runbook instead, I know that "
                       "part of the system better anyway."),
            ("Luis", "Fair, thank you."),
            ("Ingrid", "So, I own the runbook update for the certificate swap.", INC["runbook"]),
            ("Kwame", "I also want to propose no deploys on Fridays for a while.", TRAP),
            ("Nadia", "Hmm. The outage wasn't caused by a deploy, though."),
            ("Ingrid", "Right, a Friday freeze would just push risk to Monday."),
            ("Nadia", "Okay, then let's not do the Friday freeze. Instead, every deploy to the gateway needs a "
                      "second reviewer from now on.", INC["deploys"]),
            ("Kwame", "That's fair. I withdraw the Friday idea."),
            ("Luis", "Before I leave, I'll send the status update email to the affected customers today.",
             INC["status_email"]),
            ("Luis", "Do we give those customers service credits? Some of them will ask.", INC["credits"]),
            ("Nadia", "I don't know yet. That needs finance, so it stays open for now."),
            ("Nadia", "Let's do a follow-up review on March twelfth to check all of this is done.", INC["followup"]),
        ]),
        Block("wrap", "", 0.5, lead="Nadia", scene_at=0.3, scene=[
            ("Nadia", "Okay, thanks, everyone. Good review, and no blame, as always."),
        ]),
    ],
    pools={
        "opening": [
            "Can everyone see the incident document? I'll keep it open while we talk.",
            "I've asked people to hold questions about blame; this is about the system.",
            "Let me know if the audio drops, the conference room has been acting up.",
        ],
        "timeline": [
            "The first alert went to the on-call phone, and it was acknowledged within two minutes.",
            "We spent the first ten minutes looking at the database, which was a red herring.",
            "The status page was updated twenty minutes in, which is too late.",
            "Support noticed the failed payments before our dashboards did.",
            "The rollback we tried didn't help, because nothing had been deployed.",
            "At some point we had six people in the incident channel talking over each other.",
            "{person} from the {team} team joined and helped read the gateway logs.",
            "The logs were noisy; half the lines were retries from the mobile app.",
            "The graphs show the error rate going from almost zero to nearly everything in a minute.",
            "We should have declared the incident earlier; we waited to be sure.",
            "The incident channel had a good summary at the end, thanks to whoever wrote it.",
            "It took a while to find who had access to the gateway configuration.",
        ],
        "cause": [
            "Our dashboards show latency and errors, but nothing about the health of the configuration.",
            "The renewal job ran on a server that was retired in the spring, as far as we can tell.",
            "Honestly, this kind of failure is easy to miss because it only happens once a year.",
            "The gateway has three environments, and only production was affected.",
            "We had the same class of problem two years ago on a different service.",
            "{person} remembered a similar issue at a previous job, which helped us look in the right place.",
            "The monitoring tool supports this kind of check; we just never turned it on.",
            "The documentation for the gateway setup is two years old.",
            "Nobody on the current team set this service up originally.",
            "Our inventory of what runs where is incomplete, which made this slower.",
        ],
        "changes": [
            "I'd like the status page updated within ten minutes of any customer-facing incident.",
            "We should practice this kind of failure in a game day.",
            "Can we make the incident channel read-only for people who aren't helping?",
            "The on-call handbook should say who is allowed to change the gateway settings.",
            "{person} offered to review our incident template; it asks the wrong questions.",
            "I'd rather fix a few things properly than make a long list nobody finishes.",
            "We need a clearer owner for the gateway as a whole; right now it sits between two teams.",
            "The customer success team wants a short summary they can share with large accounts.",
            "Let's keep the action list short enough that we actually finish it.",
            "We should check the other services for the same kind of silent failure.",
        ],
        "wrap": ["Thanks for being so open about what went wrong.", "Good discussion, everyone."],
        "general": [
            "That matches what I saw in the logs.",
            "Let's write that in the document so it's not lost.",
            "I'm glad we caught it when we did.",
            "It's a good reminder that boring things break too.",
            "I think we're being fair to ourselves here.",
            "Let's not make this bigger than it was.",
        ],
    },
    things={
        "timeline": ["the on-call handover", "the status page", "the incident channel", "the error dashboard",
                     "the paging setup", "the escalation path", "the rollback procedure"],
        "cause": ["the renewal job", "the configuration inventory", "the gateway setup", "the service catalog",
                  "the secrets store", "the old mailbox", "the monitoring tool"],
        "changes": ["the incident template", "the game day plan", "the on-call handbook", "the deploy pipeline",
                    "the review checklist", "the service ownership map"],
        "general": ["the on-call rotation", "the team's workload", "the incident process"],
    },
    vocab={"person": ["Sergei", "Ana", "Bruno", "Leila", "Femi"], "team": ["platform", "mobile", "data", "web"]},
    nevers=[
        Never("How much revenue was lost during the outage?", ["revenue"], 0.97),
        Never("Which cloud region was affected by the outage?", ["region"], 0.6),
        Never("Was the database restored from a backup?", ["backup", "restored"], 0.9),
    ],
)

# -- budget review, 30 minutes ----------------------------------------------------------------------------

B = {
    "marketing_cut": Fact(
        "marketing_cut", "number", [["marketing"], ["12 percent", "12"]], superseded=["15 percent", "15"],
        asks=[Ask("how_much", "By how much will the marketing budget be cut?", [["12"]], ["15"]),
              Ask("why", "Why is the marketing cut smaller than first proposed?", [["trade show", "deposit"]])]),
    "travel": Fact(
        "travel", "decision", [["travel", "visit*"], ["customer*", "client*"]], superseded=["all travel", "full freeze",
                                                                                        "complete freeze"],
        asks=[Ask("what", "What was decided about travel?", [["customer*", "client*"]], ["all travel"])]),
    "forecast": Fact(
        "forecast", "action", [["forecast*"]], owner="Hector", due=["28"],
        asks=[Ask("who", "Who is preparing the revised forecast?", [["Hector"]]),
              Ask("when", "When is the revised forecast due?", [["28"]], windows=("in",))]),
    "logistics": Fact(
        "logistics", "action", [["logistics", "shipping"]], owner="Sven", wrong_owner=["Amara"],
        asks=[Ask("who", "Who will renegotiate the logistics contract?", [["Sven"]], ["Amara"])]),
    "total": Fact(
        "total", "number", [["budget", "total", "operating", "spend"], ["2400000"]],
        asks=[Ask("how_much", "What is next year's total operating budget?", [["2400000"]])]),
    "board": Fact(
        "board", "date", [["board"], ["april 17"]],
        asks=[Ask("when", "When is the board meeting?", [["april 17"]])]),
    "contractors": Fact("contractors", "open", [["contractor*"]]),
    "headcount": Fact(
        "headcount", "action", [["headcount", "hiring plan", "head count"]], owner="Julia", wrong_owner=["Nico"],
        asks=[Ask("who", "Who will send the headcount plan?", [["Julia"]], ["Nico"])]),
    "licences": Fact(
        "licences", "decision", [["licen*", "seats", "subscription*"], ["cancel*", "cut", "drop*", "end*", "stop*"]],
        asks=[Ask("how_much", "How much does cancelling the design tool licences save per year?", [["18000"]])]),
    "lease": Fact("lease", "open", [["lease", "office", "downsiz*"]], exclude=["licen*"]),
}

BUDGET = Meeting(
    name="budget_review", split="test", minutes=30, seed=2402,
    title="Budget review for next year",
    speakers=["Grace", "Hector", "Amara", "Sven", "Julia"], chair="Grace",
    reserved=["marketing", "travel", "forecast", "logistics", "contract", "2.4", "board", "April", "contractor",
              "contractors", "headcount", "Nico", "licence", "licences", "license", "lease", "trade show", "12", "15",
              "18000", "18,000", "Amara will", "choir"],
    blocks=[
        Block("opening", "", 0.5, lead="Grace", small_talk=1, scene_at=0.5, scene=[
            ("Julia", "Sorry, one minute, I'm still buzzing from the choir concert last night. We sang in the old "
                      "cathedral.", Noise("choir", [["choir"]])),
            ("Hector", "How did it go?"),
            ("Julia", "The acoustics were incredible. We sounded much better than we are."),
            ("Grace", "Lovely. Okay, let's begin. We need to close next year's budget today: the total, the cuts, "
                      "travel, vendors and headcount. Hector, the big picture first."),
        ]),
        Block("overview", "the overall picture", 1.2, lead="Hector", scene_at=0.4, scene=[
            ("Hector", "The total operating budget for next year comes to two point four million, after the "
                       "changes we agreed last week.", B["total"]),
            ("Grace", "And that's the figure the board sees. The board meeting is on April seventeenth, so "
                      "everything has to be final before then.", B["board"]),
            ("Hector", "I'll prepare the revised forecast with today's changes by the twenty-eighth.",
             B["forecast"]),
        ]),
        Block("marketing_cut", "the marketing budget", 1.3, lead="Julia", scene_at=0.4, scene=[
            ("Grace", "The proposal on the table is to cut the marketing budget by fifteen percent.", TRAP),
            ("Julia", "Fifteen is hard. The deposit for the spring trade show is already paid and can't be "
                      "refunded."),
            ("Hector", "If we take the deposit out of the calculation, the cut that's actually possible is smaller."),
            ("Grace", "Okay, correction then: the marketing cut is twelve percent, not fifteen, because the trade "
                      "show deposit is already paid.", B["marketing_cut"]),
            ("Julia", "Twelve I can live with."),
        ]),
        Block("travel", "travel", 1.1, lead="Amara", scene_at=0.5, scene=[
            ("Grace", "On travel, my plan was a complete freeze on all travel next year.", TRAP),
            ("Amara", "A complete freeze would hurt us. Two of our biggest renewals depend on visiting those "
                      "customers in person."),
            ("Sven", "Internal trips are the easy ones to cut. Customer visits are a different thing."),
            ("Grace", "Fair. Then we reverse that: internal travel is frozen, but customer visits are still "
                      "allowed.", B["travel"]),
        ]),
        Block("vendors", "vendors and licences", 1.3, lead="Sven", scene_at=0.45, small_talk=1, scene=[
            ("Grace", "The logistics contract renews in the summer. Amara, can you renegotiate it?", TRAP),
            ("Amara", "I can, but honestly Sven negotiated the last one and knows the people there."),
            ("Sven", "Happy to take it. I'll renegotiate the logistics contract, and I'll start next week.",
             B["logistics"]),
            ("Sven", "Also, we pay for forty seats of the old design tool and use eleven."),
            ("Grace", "Then we cancel the unused design tool licences. That saves about eighteen thousand a year.",
             B["licences"]),
            ("Amara", "And the office lease? Do we renew it as it is or downsize? Half the desks are empty on "
                      "Fridays.", B["lease"]),
            ("Grace", "That one stays open. I want the attendance numbers first."),
        ]),
        Block("people", "headcount", 1.3, lead="Julia", scene_at=0.5, scene=[
            ("Julia", "On headcount: I'll send the headcount plan for next year. Nico in HR has the raw numbers, "
                      "but the plan itself is mine, and I'll send it this week.", B["headcount"]),
            ("Hector", "Then there are the two contractors in operations. Do we convert them to full-time?",
             B["contractors"]),
            ("Grace", "I don't want to decide that today. It depends on the forecast, so it stays open."),
        ]),
        Block("wrap", "", 0.4, lead="Grace", scene_at=0.3, scene=[
            ("Grace", "Good. Thanks, everyone, that was efficient."),
        ]),
    ],
    pools={
        "opening": [
            "I've shared the spreadsheet; the summary tab is the one to look at.",
            "Please shout if the numbers on your screen don't match mine.",
            "We have a hard stop at the half hour, so let's be disciplined.",
        ],
        "overview": [
            "Revenue came in slightly above plan for the last two quarters.",
            "The biggest line is still salaries, by a wide margin.",
            "Energy costs went up again, but less than last year.",
            "The currency effect was small this year, thankfully.",
            "{person} from the auditors asked for the same breakdown as last year.",
            "Cash is comfortable, but I'd still like a cushion.",
            "The plan assumes no new offices and no acquisitions.",
            "Every department came in within a few percent of their target.",
            "Insurance premiums went up, which nobody can do much about.",
            "Interest income helped a bit this year.",
        ],
        "marketing_cut": [
            "Paid search has been getting more expensive every quarter.",
            "The brand campaign is hard to measure, which makes it an easy target.",
            "Events brought in our best leads last year.",
            "The agency fees are the part I'd look at first.",
            "{person} showed that the webinars cost little and work well.",
            "Sponsorships are mostly habit at this point.",
            "Content is cheap compared to ads, and it lasts longer.",
            "The regional campaigns did better than the national one.",
        ],
        "travel": [
            "Video calls have replaced most of the internal trips already.",
            "The sales team says some deals only close in person.",
            "Hotel prices in the big cities went up a lot.",
            "We could book earlier; last-minute flights cost us a fortune.",
            "{person} suggested a simple approval step for long-haul trips.",
            "Team offsites are a separate question from business travel.",
            "People appreciate meeting in person a few times a year.",
        ],
        "vendors": [
            "Half our software subscriptions renew automatically without anyone checking.",
            "The cleaning company raised prices twice this year.",
            "We have three tools that do roughly the same thing.",
            "Procurement could save a lot with a simple annual review of every vendor.",
            "{person} found a duplicate subscription last month just by reading invoices.",
            "The cloud bill is stable, which is nice for once.",
            "Some vendors give a discount for paying annually; we should use that.",
            "The printer leasing deal is terrible, but it ends soon.",
        ],
        "people": [
            "Attrition was lower than last year, which helps the budget.",
            "Salary reviews will cost more than planned because of inflation.",
            "The training budget was hardly used this year.",
            "{person} asked whether the referral bonus is still in the plan.",
            "Recruiting fees are the hidden cost in every new role.",
            "Internal moves have worked better than external hires lately.",
            "The benefits renewal is due in the autumn.",
        ],
        "wrap": ["Thanks, that was a productive session.", "Good, I think we have what we need."],
        "general": [
            "Let's make sure the spreadsheet reflects that.",
            "I'd like to see that number broken down by month.",
            "That's consistent with last year.",
            "We can revisit it at the mid-year review.",
            "Let's not save money in ways that cost us more later.",
            "I'm comfortable with that.",
        ],
    },
    things={
        "overview": ["the cash position", "the revenue plan", "the salary line", "the energy bill", "the insurance renewal",
                     "the audit", "the currency effect"],
        "marketing_cut": ["paid search", "the brand campaign", "the agency relationship", "the webinar series",
                          "the sponsorship program", "the regional campaign"],
        "travel": ["the approval step for trips", "the booking tool", "the team offsite", "the hotel policy",
                   "the per diem rule"],
        "vendors": ["the cleaning contract", "the software stack", "the annual vendor review", "the printer deal",
                    "the cloud bill", "the invoice approval flow"],
        "people": ["the training budget", "the salary review", "the referral bonus", "the benefits renewal",
                   "the recruiting fee line", "the internal mobility program"],
        "general": ["the spreadsheet", "the mid-year review", "the planning calendar"],
    },
    vocab={"person": ["Mateo", "Ruth", "Anika", "Dmitri", "Joy"]},
    nevers=[
        Never("How much was spent on the holiday party?", ["holiday party", "party"], 0.5),
        Never("What will the new price of the enterprise plan be?", ["enterprise", "price"], 0.8),
        Never("Which bank will provide the new credit line?", ["bank", "credit line"], 0.97),
    ],
)

MEETINGS = [INCIDENT, BUDGET]
