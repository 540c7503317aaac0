"""Generate the long-meeting recall benchmark: a ~3-hour planning meeting with planted facts.

Usage (from the repository root)::

    python bench/data/make_long_meeting.py

writes, next to this script:

* ``long_meeting.txt``: one utterance per line, ``Speaker: text`` (852 lines, about 21k LLM tokens;
  15k words);
* ``long_meeting_questions.jsonl``: one question per line,
  ``{"id", "after_line", "fact_line", "question", "answers"}``, sorted by ``after_line``.

A quarterly planning meeting walks through budget, hiring, infrastructure, customers,
marketing, security, facilities, the roadmap and support, and comes back to most topics later.
Filler talk is drawn from many templates and slot vocabularies (seeded, so the output is the
same on every run).  Twenty-four facts (``FACTS``) are planted, each stated exactly once, on
the line recorded as ``fact_line`` (1-based).  Each question is asked after ``after_line``:
a few shortly after the fact (10-40 lines, still inside a short context window), most of them
200-700 lines later.

``answers`` are whole-word keywords (case-insensitive); an answer counts as correct when it
contains any of them.  The script checks, and refuses to write otherwise, that no keyword of
any fact appears on any line except its own fact line, that no line repeats, and that the
positions respect the distances above.  Distractor lines mention the same subjects (the badge
readers, the rebrand, the billing migration, ...) without ever contradicting a fact.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20250117

# Speaker -> topics they lead.  No speaker name is an answer keyword.
SPEAKERS = {
    "Dana": ["opening", "facilities", "wrap"],  # chair, operations
    "Marcus": ["roadmap", "infrastructure"],  # engineering
    "Elena": ["budget"],  # finance
    "Jonas": ["infrastructure", "security"],  # platform
    "Aisha": ["customers", "support"],  # customer success
    "Ben": ["marketing"],  # marketing
    "Chloe": ["hiring"],  # people
    "Omar": ["security"],  # security
}
CHAIR = "Dana"
OWNER = {"budget": "Elena", "hiring": "Chloe", "infrastructure": "Jonas", "customers": "Aisha",
         "marketing": "Ben", "security": "Omar", "facilities": "Dana", "roadmap": "Marcus", "support": "Aisha",
         "opening": "Dana", "wrap": "Dana", "break": "Dana"}

# (topic, number of lines).  Topics come back later in the meeting, as they do in real ones.
AGENDA = [
    ("opening", 16),
    ("budget", 60),
    ("hiring", 54),
    ("infrastructure", 66),
    ("customers", 60),
    ("marketing", 60),
    ("security", 50),
    ("facilities", 54),
    ("break", 12),
    ("roadmap", 64),
    ("support", 50),
    ("budget", 40),
    ("infrastructure", 50),
    ("customers", 44),
    ("marketing", 42),
    ("hiring", 36),
    ("roadmap", 38),
    ("facilities", 34),
    ("wrap", 22),
]

TITLES = {
    "budget": ["the budget", "budget and spend", "the financial update"],
    "hiring": ["hiring", "headcount and hiring", "the people update"],
    "infrastructure": ["infrastructure", "the platform update", "infrastructure and reliability"],
    "customers": ["customer feedback", "the customer update", "what we're hearing from customers"],
    "marketing": ["marketing", "the marketing plan", "campaigns and brand"],
    "security": ["security", "the security review"],
    "facilities": ["facilities and events", "office and events"],
    "roadmap": ["the product roadmap", "roadmap and pricing", "product planning"],
    "support": ["support operations", "the support update"],
}


@dataclass
class Fact:
    key: str
    segment: int  # index into AGENDA
    near: bool  # asked 10-40 lines later (else 200-700)
    speaker: str
    text: str
    question: str
    answers: list[str]
    distractors: list[tuple[int, str, str]] = field(default_factory=list)  # (segment, speaker, text)


FACTS = [
    Fact("badge_vendor", 7, False, "Dana",
         "Good news on the building upgrade: we signed with Kestrel Systems for the new badge readers, and installation starts next month.",
         "Which vendor was chosen for the new badge readers?", ["Kestrel"],
         [(17, "Omar", "Once the new badge readers are in, I'd like the loading dock door covered too, so nobody props it open anymore.")]),
    Fact("offsite_city", 7, False, "Dana",
         "The leadership offsite will be held in Lisbon this year, the second week of May, so please block your calendars.",
         "Where will the leadership offsite be held?", ["Lisbon"],
         [(14, "Ben", "The regional sales kickoff is in Denver again, same hotel as last year, which keeps it cheap."),
          (17, "Elena", "For the offsite, please book flights through the travel portal so finance can track it.")]),
    Fact("billing_owner", 3, False, "Marcus",
         "On the billing migration, Priya will own it from start to finish; she already has the cutover checklist.",
         "Who owns the billing migration?", ["Priya"],
         [(12, "Jonas", "The billing migration needs a freeze window, so no schema changes in the billing database that week."),
          (9, "Marcus", "I'd like the billing migration done before we touch invoicing in the app, otherwise we test everything twice.")]),
    Fact("campaign_budget", 1, False, "Elena",
         "Finance approved 185,000 dollars for the spring campaign, and that number is final for the quarter.",
         "How much money was approved for the spring campaign?",
         ["185,000", "185k", "185 thousand", "185000", "one hundred eighty-five thousand", "one hundred and eighty-five thousand"],
         [(5, "Ben", "The spring campaign will lean heavily on video this time, plus a few podcast spots.")]),
    Fact("app_codename", 9, False, "Marcus",
         "Quick naming note: the code name for the new mobile app is Marigold, so please use that in tickets instead of the long name.",
         "What is the code name of the new mobile app?", ["Marigold"],
         [(16, "Aisha", "Customers keep asking when the new mobile app ships, and I keep telling them we don't give dates until the beta.")]),
    Fact("beta_date", 16, True, "Marcus",
         "We agreed the public beta starts on October 14, and the invite emails go out the week before.",
         "When does the public beta start?",
         ["October 14", "Oct 14", "Oct. 14", "14 October", "October 14th", "14th of October", "October fourteenth"],
         [(9, "Ben", "Whenever the public beta happens, marketing needs two weeks of notice for the landing page.")]),
    Fact("support_hires", 2, False, "Chloe",
         "We have approval to hire six support engineers this half, and all of those roles can be remote.",
         "How many support engineers does the team have approval to hire?", ["six", "6"],
         [(15, "Chloe", "The new support engineers will report to the support team lead once that role is filled.")]),
    Fact("export_customer", 4, False, "Aisha",
         "The customer who reported the broken CSV export is Halvorsen Logistics, and they are one of our biggest accounts.",
         "Which customer reported the broken CSV export?", ["Halvorsen"],
         [(13, "Aisha", "Another account mentioned slow dashboards, but that is a separate problem from the export bug.")]),
    Fact("rebrand_agency", 5, False, "Ben",
         "We're going with Bluefinch Creative as the agency for the rebrand; the contract was signed yesterday.",
         "Which agency will handle the rebrand?", ["Bluefinch"],
         [(14, "Ben", "The rebrand will touch the logo, the website and the slide templates, in that order.")]),
    Fact("data_team_building", 7, False, "Dana",
         "The new data team will sit on the fourth floor of the Alder building, starting the first of next month.",
         "Which building will the new data team sit in?", ["Alder"],
         [(17, "Dana", "The data team asked for a quiet room near their desks, and I think we can do that.")]),
    Fact("cluster_region", 3, False, "Jonas",
         "The new cluster will run in the Frankfurt region, mainly for our European customers and their data residency rules.",
         "In which region will the new cluster run?", ["Frankfurt"],
         [(12, "Jonas", "The existing cluster stays where it is; we are not moving anything that already works.")]),
    Fact("intern_lead", 15, True, "Chloe",
         "Tobias is running the summer intern program this year, so send him your project ideas.",
         "Who is running the summer intern program?", ["Tobias"],
         [(2, "Chloe", "The summer intern program will be a bit smaller this year, and the project list is still open.")]),
    Fact("churn_rate", 13, True, "Aisha",
         "Monthly churn came down to 2.3 percent last month, which is the lowest we've seen in a year.",
         "What was the monthly churn rate last month?", ["2.3"],
         [(4, "Elena", "Net revenue retention looks healthier too, although finance is still checking the numbers.")]),
    Fact("starter_price", 9, False, "Marcus",
         "Pricing is settled: the new starter plan will cost 19 dollars per seat per month.",
         "How much will the new starter plan cost per seat per month?", ["19", "nineteen"],
         [(16, "Ben", "The pricing page for the new starter plan needs a proper comparison table this time.")]),
    Fact("pentest_firm", 6, False, "Omar",
         "The penetration test this year will be done by Greywater Labs, starting the first week of next quarter.",
         "Which firm will run the penetration test?", ["Greywater"],
         [(12, "Jonas", "Before the penetration test starts we should close the old admin endpoints.")]),
    Fact("giveaway", 14, True, "Ben",
         "For the trade show giveaway we settled on bamboo water bottles instead of the usual shirts.",
         "What will the trade show giveaway be?", ["bamboo", "water bottle", "water bottles"],
         [(5, "Ben", "The trade show booth design is almost final, and it looks a lot better than last year's.")]),
    Fact("advisory_chair", 4, False, "Aisha",
         "Nadia from Orchard Health agreed to chair the customer advisory board, which is a big win for us.",
         "Who agreed to chair the customer advisory board?", ["Nadia"],
         [(13, "Aisha", "The customer advisory board will meet every quarter, and the first agenda is mostly about reporting.")]),
    Fact("budget_deadline", 11, False, "Elena",
         "One firm date: all department budgets are due on November 3, and there will be no extensions this time.",
         "When are the department budgets due?",
         ["November 3", "Nov 3", "Nov. 3", "3 November", "November 3rd", "3rd of November", "November third"],
         [(1, "Elena", "Department budgets will use the new template this year, the one with the headcount tab.")]),
    Fact("ticketing_tool", 10, False, "Aisha",
         "Support will move to Tallyhelp as the new ticketing tool at the end of the quarter.",
         "Which ticketing tool will support move to?", ["Tallyhelp"],
         [(13, "Aisha", "Moving ticketing tools means we have to export the old macros and clean them up first.")]),
    Fact("webinar_host", 5, False, "Ben",
         "Mei will host the webinar series this fall, and she already has the first three guests lined up.",
         "Who will host the webinar series?", ["Mei"],
         [(14, "Ben", "The webinar series will run every other Thursday, at a time that works for Europe as well.")]),
    Fact("backup_retention", 12, True, "Jonas",
         "We agreed to keep database backups for 35 days from now on, instead of two weeks.",
         "How long will database backups be kept?", ["35", "thirty-five", "thirty five"],
         [(3, "Jonas", "Backups are restored into a test environment every week, and so far every restore has worked.")]),
    Fact("party_venue", 17, True, "Dana",
         "The holiday party will be at the Copperleaf Hotel downtown, on the second Friday of December.",
         "Where will the holiday party be held?", ["Copperleaf"],
         [(7, "Dana", "For the holiday party, we're collecting dietary needs through the usual form.")]),
    Fact("password_manager", 6, False, "Omar",
         "The company password manager we're rolling out is Vaultline, and everyone should be on it within a month.",
         "Which password manager is being rolled out?", ["Vaultline"],
         [(12, "Omar", "Shared passwords in chat messages have to stop; the new password manager handles sharing properly.")]),
    Fact("reporting_shutdown", 12, False, "Marcus",
         "The old reporting service will be switched off on December 12, so every customer needs to be moved before then.",
         "When will the old reporting service be switched off?",
         ["December 12", "Dec 12", "Dec. 12", "12 December", "December 12th", "12th of December", "December twelfth"],
         [(4, "Aisha", "A few customers still depend on the old reporting service, so we need to walk them through the new one.")]),
]

# Subjects that belong to the facts: filler must never mention them (only facts and distractors do).
RESERVED = [
    "badge", "offsite", "billing", "spring campaign", "code name", "codename", "mobile app", "beta",
    "support engineer", "csv", "export", "rebrand", "agency", "data team", "cluster", "region", "intern",
    "churn", "starter plan", "pricing", "penetration", "pen test", "giveaway", "advisory board",
    "department budget", "ticketing", "webinar", "backup", "holiday party", "password manager",
    "reporting service", "orchard", "europe", "lisbon", "denver",
]

# ---------------------------------------------------------------------------------------------
# Vocabulary for filler.

PEOPLE = ["Sam", "Lucy", "Raj", "Hannah", "Felix", "Grace", "Leo", "Ingrid", "Victor", "Sofia", "Kenji",
          "Ruth", "Andre", "Maya", "Paul", "Zoe", "Ivan", "Clara"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
WHEN = ["next week", "by the end of the month", "before the next planning meeting", "in two weeks",
        "by Friday", "early next month", "before the quarter closes", "after the holidays", "this sprint",
        "by Wednesday"]
TEAMS = ["the platform team", "sales", "design", "legal", "customer success",
         "the mobile team", "finance", "the web team", "operations", "product", "the frontend team", "analytics"]
PERCENTS = ["4", "7", "8", "11", "12", "15", "18", "22", "25", "30", "40"]

VOCAB = {
    "budget": {
        "thing": ["contractor spend", "the cloud bill", "the software license bill", "travel", "the training budget",
                  "conference sponsorship spend", "the recruiting fee line", "the laptop refresh", "the legal budget",
                  "the consulting line", "the tooling bill", "the events line", "the accruals line",
                  "the marketing tools line", "the insurance renewal", "the relocation line"],
        "amount": ["12,000", "28,000", "40,000", "55,000", "60,000", "72,000", "90,000", "110,000",
                   "140,000", "230,000", "310,000"],
    },
    "hiring": {
        "thing": ["the backend role", "the design lead opening", "the data analyst role",
                  "the recruiting pipeline", "onboarding", "the referral bonus", "the interview loop",
                  "the take-home exercise", "the engineering manager search", "relocation support",
                  "the career ladder", "the offer approval step", "the contract with the sourcing firm",
                  "the product manager opening", "the interviewer training"],
        "role": ["backend engineers", "a product designer", "a data analyst", "two frontend engineers",
                 "an engineering manager", "a technical writer", "a recruiter", "a site reliability engineer",
                 "a product manager"],
    },
    "infrastructure": {
        "thing": ["the deploy pipeline", "the monitoring setup", "the logging bill", "the on-call rotation",
                  "the database upgrade", "the load balancer config", "the staging environment",
                  "our alerting setup", "the build system", "the container image setup", "the search index",
                  "the message queue", "disk usage on the main database", "the cache layer",
                  "the incident review process", "the runbook", "the certificate renewal", "the DNS setup"],
        "metric": ["p95 latency", "error rate", "build time", "deploy frequency", "page load time",
                   "queue depth", "CPU usage", "time to recover"],
    },
    "customers": {
        "thing": ["the onboarding flow", "the dashboard filter panel", "search quality", "the permissions model",
                  "the notification settings page", "the admin console", "the calendar integration",
                  "the invoice layout", "the audit log", "single sign-on setup", "the import wizard",
                  "the weekly email digest", "API rate limiting", "the user invite flow", "the mobile layout"],
        "customer": ["a retail customer", "one of the hospital groups", "a logistics account",
                     "a university customer", "a small design studio", "one of the banks", "a manufacturing account",
                     "a nonprofit", "a hotel chain", "a city council"],
    },
    "marketing": {
        "thing": ["the newsletter", "the case study pipeline", "paid search", "the blog calendar",
                  "the partner program", "the product video series", "social media", "the website refresh",
                  "the launch email", "our messaging", "the customer story series", "the analyst briefing",
                  "event sponsorship", "the referral campaign", "the brand guide", "the comparison page"],
        "channel": ["paid search", "the newsletter", "organic search", "partner referrals", "social advertising",
                    "the events program", "direct outreach", "the blog", "the review sites"],
    },
    "security": {
        "thing": ["the access review", "phishing training", "the laptop encryption rollout",
                  "the vendor questionnaire backlog", "the incident playbook", "two-factor enforcement",
                  "the audit evidence", "secret scanning in the repositories", "the bug bounty",
                  "admin permission cleanup", "the device inventory", "the data classification policy",
                  "the offboarding checklist", "the compliance report", "the visitor policy"],
    },
    "facilities": {
        "thing": ["the meeting room setup", "the kitchen renovation", "desk booking", "the parking situation",
                  "the air conditioning", "the phone booths", "the bike storage", "the reception area",
                  "the quiet room", "the video setup in the big room", "the standing desks",
                  "the elevator", "the lighting in the big room", "the printer situation", "the locker situation", "the noise in the open area"],
    },
    "roadmap": {
        "thing": ["the reporting redesign", "the new onboarding", "workflow automation", "the calendar sync",
                  "the public API", "the permissions rework", "offline mode", "the search rewrite",
                  "the integrations marketplace", "the dark mode request", "the accessibility work",
                  "bulk editing", "the notification center", "the template gallery", "usage analytics",
                  "the comments feature"],
    },
    "support": {
        "thing": ["response time", "the help center", "weekend coverage", "the escalation process",
                  "the macro library", "the satisfaction survey", "the chat widget", "the backlog of old tickets",
                  "the training for new agents", "the status page", "the phone line",
                  "the handoff to engineering", "the knowledge base", "the refund process"],
    },
}
VOCAB["opening"] = {"thing": ["the agenda", "last quarter's notes", "the action items from last time"]}
VOCAB["wrap"] = {"thing": ["the action items", "the notes", "the follow-ups", "the open questions"]}
VOCAB["break"] = {"thing": ["the coffee", "the weekend"]}

# ---------------------------------------------------------------------------------------------
# Templates.  {thing}, {thing2}: topic subjects; {name}: another speaker; {person}: a colleague not in
# the room; {team}; {when}; {weekday}; {pct}; plus topic slots ({amount}, {role}, {metric}, ...).

TOPIC_TEMPLATES = {
    "budget": [
        "We're running about {pct} percent over plan on {thing}, mostly because of timing.",
        "{thing_cap} came in at roughly {amount} dollars this quarter, which is close to what we forecast.",
        "@I'd like to move some money from {thing} to {thing2}, if nobody objects.",
        "The forecast for {thing} assumes the same run rate as last quarter, and I'm not sure that holds.",
        "Every team should look at {thing} before the next review; there's some easy savings there.",
        "We renegotiated one of the contracts under {thing} and saved about {amount} dollars a year.",
        "@I need the final numbers on {thing} from each team {when}.",
        "If we cut {thing} by {pct} percent, we'd still be fine for the rest of the year.",
        "@Finance is fine with {thing} as long as it stays inside the quarterly cap.",
        "The big unknown in the forecast is still {thing}.",
        "Can we get a monthly breakdown of {thing}? The quarterly number hides too much.",
        "Last year {thing} was the line that surprised us, so I'm watching it closely.",
        "I'd rather pay a bit more for {thing} than deal with another surprise invoice.",
        "Please tag every purchase order with the project, otherwise {thing} gets impossible to track.",
        "We're still waiting on two invoices for {thing}, so the number may move a little.",
        "Compared to last quarter, {thing} is down {pct} percent, which is good news.",
        "My proposal is to freeze new spend on {thing} until the forecast is updated.",
        "The board will ask about {thing}, so we need a clear one-line answer.",
    ],
    "hiring": [
        "@We have {role} in the final round, and I expect offers {when}.",
        "The pipeline for {role} is thin; we got maybe a dozen serious applicants.",
        "I'd like every interviewer to finish feedback within a day, because offers keep stalling.",
        "{thing_cap} needs a rework; candidates keep mentioning it.",
        "We're looking for {role}, and referrals have been the best source so far.",
        "{person} from recruiting says the market for {role} is a bit easier than last year.",
        "Can we agree on a single scorecard for {role}? Right now every team does it differently.",
        "We lost a strong candidate last week because the process took three weeks.",
        "I'd like {team} to help with interviews for {role}; they know the work better than we do.",
        "Onboarding buddies have worked well, and I want to keep that going for every new hire.",
        "Let's not open new roles until {role} are in place.",
        "The offer acceptance rate went up to about {pct} percent above last quarter.",
        "@I'll share the updated job description for {role} {when}.",
        "Exit interviews point at {thing} again, so that's worth fixing.",
        "{thing_cap} is the bottleneck; hiring managers are booked solid.",
        "For {role}, I'd rather wait for the right person than rush it.",
    ],
    "infrastructure": [
        "The {metric} went up after the last release, and we're still tracking down why.",
        "We cleaned up {thing} and the alert noise dropped a lot.",
        "{thing_cap} is the next thing on our list, probably {when}.",
        "I want to automate {thing}; doing it by hand every week is how mistakes happen.",
        "The {metric} is back to normal since we rolled back the config change.",
        "We had two incidents this month, both related to {thing}, and the reviews are written up.",
        "{thing_cap} costs more than it should, and I think we can cut it by {pct} percent.",
        "Could {team} give us a heads up before big launches? We need time to scale things up.",
        "The upgrade of {thing} went smoothly, with no downtime at all.",
        "I'd like a proper load test before we change {thing}.",
        "{person} rewrote {thing} and the {metric} improved noticeably.",
        "We need an owner for {thing}; right now it's everyone's and nobody's.",
        "The on-call load was lighter this month, about {pct} pages fewer than usual.",
        "Let's keep {thing} boring; we don't need anything clever there.",
        "My worry is {thing}; it's been stable, but nobody has touched it in years.",
        "We're documenting {thing} in the runbook so that new people can handle it at night.",
        "I'll post the graphs for the {metric} in the channel after this meeting.",
    ],
    "customers": [
        "We heard from {customer} that {thing} is confusing, especially for new admins.",
        "{customer_cap} told us {thing} saves them a few hours every week.",
        "The top request this month is still about {thing}.",
        "Satisfaction scores are up about {pct} points, mostly thanks to faster replies.",
        "I sat in on a call with {customer}, and they really want improvements to {thing}.",
        "{thing_cap} keeps coming up in renewal conversations, so I'd bump its priority.",
        "Most complaints this month were about {thing}, and a few were about {thing2}.",
        "I'd like engineering to join one customer call a month; it changes how people see {thing}.",
        "{customer_cap} is expanding to more teams, which is great news for the renewal.",
        "We should close the loop with customers who asked about {thing}; they never heard back.",
        "{person} collected the feedback on {thing} into one document, and it's a good read.",
        "Honestly, {thing} is fine for most people; it's the power users who struggle.",
        "We lost {customer} last month, and the exit notes mention {thing}.",
        "The survey had about {pct} percent response rate, which is better than usual.",
        "I'd love a short video that explains {thing}; customers don't read long help articles.",
        "When we fixed {thing}, tickets on that topic dropped almost immediately.",
    ],
    "marketing": [
        "{channel_cap} brought in about {pct} percent of new signups last month.",
        "We're refreshing {thing} {when}, with a simpler layout.",
        "I'd like to spend less on {channel} and more on {thing}.",
        "{thing_cap} performed better than expected, especially with smaller teams.",
        "The launch email for the last release had a good open rate, around {pct} percent.",
        "We need two more customer quotes for {thing}; can anyone introduce us?",
        "{person} is drafting {thing}, and a first version should be ready {when}.",
        "Let's measure {thing} by qualified leads, not just clicks.",
        "Sales asked for updated slides, mostly because of {thing}.",
        "Our messaging is still too technical; {thing} should speak to managers, not engineers.",
        "We paused {channel} for two weeks, and signups barely changed, which tells us something.",
        "I'll share the results of {thing} in the marketing channel {when}.",
        "{team_cap} helped a lot with {thing}, so thank you for that.",
        "I want one clear story for {thing} across the website, emails and sales decks.",
        "{thing_cap} is cheap to run, so I'd keep it even if the numbers are modest.",
        "The conversion from trial to paid is around {pct} percent, roughly flat.",
    ],
    "security": [
        "{thing_cap} is about {pct} percent done, and the rest is mostly contractors.",
        "We found a few old accounts during {thing}, and they're disabled now.",
        "I'd like every team lead to finish {thing} {when}.",
        "The last phishing test showed that people are getting better at spotting suspicious emails.",
        "Please don't share credentials in chat; it still happens more than it should.",
        "Customers ask about {thing} in almost every security questionnaire now.",
        "{person} is helping with {thing}, which frees me up for the audit.",
        "We should review {thing} every quarter, not just once a year.",
        "I'll send a short reminder about {thing}, because we're not there yet.",
        "Nothing serious came up this month, but {thing} still needs attention.",
        "{thing_cap} is a small effort with a big payoff, so let's just do it.",
        "The auditors will want evidence for {thing}, so keep screenshots.",
        "If anyone gets a strange login prompt, report it, even if it turns out to be nothing.",
        "We're tightening {thing}, and some people will lose access they don't use anyway.",
    ],
    "facilities": [
        "{thing_cap} has been a sore point, and we're looking at options.",
        "We're collecting feedback on {thing} with a short survey {when}.",
        "The landlord finally replied about {thing}, and it's mostly good news.",
        "Please book rooms through the app, otherwise we can't see who uses what.",
        "The third floor will be closed for two days {when} for maintenance.",
        "I got a quote for {thing}, and it's more reasonable than I expected.",
        "Attendance in the office is up about {pct} percent since we started team days.",
        "{person} volunteered to look into {thing}, so thank you.",
        "We're trying a new setup for {thing}; tell me if it works for you.",
        "Honestly, {thing} is the most common complaint in the office survey.",
        "The office is quietest on {weekday}, if anyone needs focus time.",
        "I'll send details about {thing} in the office channel {when}.",
        "We'll keep {thing} as it is until the lease question is settled.",
        "For {thing}, we have a small budget, so let's keep expectations modest.",
    ],
    "roadmap": [
        "{thing_cap} is scheduled for next quarter, pending design review.",
        "We pushed {thing} back by a sprint because of the infrastructure work.",
        "I'd like to cut scope on {thing} so we can ship something useful sooner.",
        "{thing_cap} is the most requested item, so it stays near the top.",
        "Design has mockups for {thing}, and they look good.",
        "We're running a small experiment on {thing} with a few customers.",
        "Can we agree that {thing} is a must-have and {thing2} is a nice-to-have?",
        "{thing_cap} turned out bigger than estimated, roughly twice the effort.",
        "{person} is writing the spec for {thing} and wants feedback {when}.",
        "I'd rather finish {thing} properly than start {thing2} half-heartedly.",
        "The data says only a few customers use {thing}, so let's not over-invest.",
        "{team_cap} depends on {thing}, so let's not move it again.",
        "We'll demo {thing} at the next all-hands if it's ready.",
        "For {thing}, let's ship behind a feature flag and watch the numbers.",
        "{thing_cap} and {thing2} touch the same code, so let's plan them together.",
        "We need a clear definition of done for {thing} before anyone starts.",
    ],
    "support": [
        "First response time is down to under two hours for most tickets.",
        "The help articles need an update; half of them describe the old interface.",
        "We're short on agents this month, so some replies are slower.",
        "Escalations to engineering dropped about {pct} percent after we improved {thing}.",
        "{person} reworked {thing}, and agents say it's much clearer now.",
        "I'd like engineering to look at {thing}; it's the main source of repeat tickets.",
        "The satisfaction score is steady, with most complaints about {thing}.",
        "We're testing {thing} with a small group of agents first.",
        "The queue gets busy on {weekday}s, so we shifted a few people there.",
        "New agents shadow senior ones for a week now, and it's paying off.",
        "Let's make sure every bug from support has a clear owner on the engineering side.",
        "We closed most of the old tickets, and what's left is mostly waiting on customers.",
        "I'll share the support metrics dashboard {when}, with the new breakdown by topic.",
    ],
    "opening": [
        "@Morning, everyone. Thanks for blocking the whole afternoon for this.",
        "Morning! I'm dialing in from the other office today.",
        "Quick heads up, I might have to step out around four.",
        "Thanks for organizing this, Dana.",
        "Is the doc link in the invite? I can't find it.",
        "Sorry, still getting coffee, go ahead without me.",
        "I read last quarter's notes on the train, so I'm caught up.",
        "Found it, the link was in the second email.",
        "@Can everyone see the shared doc? I put the agenda at the top.",
        "@We'll go topic by topic, and I'll keep time so we don't run over.",
        "@Please keep updates short, and let's use the time for decisions.",
        "@I'll take notes, but please add anything I miss to the doc.",
        "@Before we start, does anyone need to leave early?",
        "@Let's quickly look at {thing} first, then go through the topics.",
        "@Most of the action items from last time are done; the rest are in the doc.",
        "@We have a lot to cover, so I'll be strict about time.",
        "If something needs a long discussion, let's take it offline.",
        "Sorry I'm a minute late, the previous call ran over.",
        "Can someone share their screen? Mine is acting up.",
        "Good to see everyone in one room for once.",
        "@Elena, you had a hard stop at five, right?",
        "@I moved the retro notes to the appendix so the doc is shorter.",
        "@We'll do a proper break around the middle.",
        "@Before we start: the action items that are still open from last time are all in progress.",
        "@Does anyone want to add something to the agenda before we lock it?",
        "@Same format as last quarter: updates first, then decisions.",
        "@The room is booked until six, but I'd love to finish earlier.",
        "I'll keep my camera off for a bit, my connection is shaky.",
    ],
    "break": [
        "Coffee's here, and there's tea in the kitchen.",
        "Did anyone catch the game last night?",
        "I'm going to grab a sandwich, back in five.",
        "The weather is finally turning, I biked in today.",
        "Anyone tried the new lunch place across the street?",
        "My kids have a school play this week, so I might leave early one day.",
        "Can someone open a window? It's getting warm in here.",
        "I need to take a quick call, I'll be right back.",
        "Is there more of that cake from yesterday?",
        "I finally finished that book everyone recommended.",
        "The train was late again this morning.",
        "Okay, I think everyone's back.",
    ],
    "wrap": [
        "@Thanks, everyone. I'll send the notes and action items {when}.",
        "@Please check the doc and correct anything I got wrong.",
        "@If I missed an action item, tell me today.",
        "Good session. Let's keep the next one shorter.",
        "@I'll set up follow-ups for the topics we took offline.",
        "Let's review progress at the next planning meeting.",
        "Thanks for staying focused, that was a lot to get through.",
        "@Anything else before we close? No? Great.",
        "@I'll put the open questions at the top of the doc so they don't get lost.",
        "Have a good evening, everyone.",
        "@Could each owner confirm their items in the doc {when}?",
        "One request: please update your items in the tracker, not just in chat.",
        "This was useful, thank you all.",
        "@I'll book the room for next quarter's session today.",
        "@Owners, please add a due date to every item, even a rough one.",
        "We covered more than I expected, nice work.",
        "If you took an action item, please put your name next to it in the doc.",
        "@Let's do a quick round: anything blocking anyone right now?",
        "@I'll circulate a short summary for the people who couldn't join.",
        "The slides from today are in the shared folder.",
        "Next session, let's start with the open questions instead of the updates.",
        "@I'll follow up individually on the topics we didn't finish.",
        "Long one today, but I think it was worth it.",
        "Can someone send me the photo of the whiteboard?",
        "@I'll update the roadmap doc with what we agreed.",
        "Thanks for keeping it civil, even on the tricky topics.",
    ],
}

GENERIC = [
    "Can we get a rough timeline on {thing}?",
    "I'd like to see the numbers on {thing} before we commit to anything.",
    "Let's take {thing} offline; it needs a smaller group.",
    "I talked to {person} yesterday, and they had concerns about {thing}.",
    "{name}, could you send a short write-up on {thing} after this?",
    "We tried something similar two years ago, and it didn't stick.",
    "That's fair. I just don't want us to overcommit again.",
    "Do we have data on that, or is it mostly anecdotal?",
    "Let me check and get back to you by {weekday}.",
    "How does this affect {team}?",
    "I agree with {name} on this one.",
    "Can we make sure {team} is in the loop?",
    "What's the risk if we just leave {thing} as it is?",
    "I think we're mixing two questions here, {thing} and {thing2}.",
    "Good point. Let's note that in the doc.",
    "Who else needs to sign off on {thing}?",
    "I'm fine with that, as long as we revisit it next quarter.",
    "That matches what I heard from {team}.",
    "Just to be clear, this doesn't change anything for {thing2}, right?",
    "I'd push back a little: {thing} isn't urgent yet.",
    "Let's not solve it in this meeting; {name} and I can follow up.",
    "Is that a one-off, or a trend?",
    "We should write this down somewhere people can find it.",
    "Sounds reasonable to me.",
    "Okay, that makes sense, {name}.",
    "Can you say more about {thing}? I missed the last discussion.",
    "I'll add {thing} to the list of open questions.",
    "How confident are we in that estimate?",
    "Let's give it a month and look at the numbers again.",
    "I don't have strong feelings either way.",
    "That's a good question, and I don't have an answer yet.",
    "Noted. I'll follow up with {person}.",
    "We've been talking about {thing} for a while; let's decide something.",
    "Quick question: is {thing} tracked anywhere?",
    "I think {team} already has a draft on that.",
    "Let's keep moving, we have a lot left.",
    "Right, and {thing2} is related to that as well.",
    "I'm a bit worried about the timing, honestly.",
    "Agreed, but let's be realistic about capacity.",
    "That would help a lot, thank you.",
    "Sorry, you cut out for a second. Could you repeat the last part?",
    "Yes, that's what I meant.",
    "Let me share my screen, it's easier to show.",
    "So the proposal is to start small and expand if it works?",
    "I can take that action item.",
    "Fair enough. Let's go with that for now.",
    "Remind me, who was looking into {thing}?",
    "We can't do everything this quarter, so something has to give.",
    "I like the direction, but I'd want to see a plan with dates before we agree to it.",
    "My only concern is that we keep adding things without taking anything off the list.",
    "If {team} can help with {thing}, I think the timeline is realistic; otherwise it isn't.",
    "We discussed {thing} last quarter too, and I don't think much changed since then.",
    "Could we split {thing} into a quick fix now and a proper fix later?",
    "How would we know, three months from now, whether {thing} worked?",
    "I'd be careful with {thing}; the last change there caused a week of cleanup.",
    "From the outside, {thing} looks simple, but I suspect it isn't.",
    "Is there anything you need from the rest of us on {thing}?",
    "I'll be honest, I don't fully understand {thing} yet, so I'll read the doc first.",
    "Can we write down who decides on {thing}, so we don't go around in circles?",
    "That sounds good in principle; the hard part will be the follow-through.",
    "Let's make sure this doesn't land on the same three people again.",
    "I'm happy to review the draft if that helps.",
    "What would it take to get {thing} done this quarter instead of next?",
    "I remember {person} raising the same point about {thing} a while ago.",
    "Do customers actually notice {thing}, or is it mostly an internal problem?",
    "We should check how {team} handles this; they had a similar problem last year.",
    "I'd rather have one good option than three half-baked ones.",
    "Makes sense. Let's see what the numbers say next month.",
    "Just so I understand: is {thing} blocked, or only slow?",
    "I'm supportive, as long as it doesn't delay {thing2}.",
    "That's more or less what I expected.",
    "Thanks, that's helpful context.",
    "Let's capture that as a risk in the doc.",
]

OPENERS = ["Yeah, ", "So, ", "Right, ", "Okay, ", "Honestly, ", "I think ", "Well, ", "Just quickly, ",
           "To add to that, ", "From my side, ", "Actually, ", "For what it's worth, "]
TAILS = [
    "I'll put the details in the doc.", "Happy to talk more after the meeting.", "We'll see how it goes.",
    "That's the short version.", "More on that next time.", "Let me know if that's a problem.",
    "It's not ideal, but it's manageable.", "I think that's the right call.",
    "{person} has more context if anyone needs it.", "We'll revisit it {when}.",
    "I'll check with {team} to be sure.", "Nothing dramatic, just something to watch.",
    "It's moving in the right direction.", "I don't expect surprises there.",
    "That's my main concern.", "Anyway, that's where we are.",
    "The numbers are in the appendix if you want them.", "I'll send a short summary {when}.",
    "{person} did most of the work on that, so credit to them.", "It took longer than I hoped, to be honest.",
    "We learned a lot from the last attempt.", "I'm cautiously optimistic.", "There's a ticket for it already.",
    "{team_cap} has been great to work with on this.", "It's a small thing, but people notice it.",
    "I'd like to close that out {when}.", "We can talk details offline.", "Nobody has complained so far.",
    "That should make next quarter easier.", "I'm not too worried about it.",
    "It's one of those things that only gets harder if we wait.", "We'll know more {when}.",
    "I'll flag it if anything changes.", "Fingers crossed.", "It's a trade-off, but a reasonable one.",
    "The details are in last week's update.", "I've asked {person} to keep an eye on it.",
    "That's been the plan for a while.", "We've done this before, so it should be fine.",
    "I'll bring an update to the next planning meeting.", "The first results look promising.",
    "It's on my list for {when}.",
]
TRANSITIONS = [
    "Okay, next on the agenda is {title}. {owner}, do you want to start?",
    "Let's move on to {title}. {owner}, over to you.",
    "Alright, {title}. {owner}, what do you have for us?",
    "Good. Next up, {title}. {owner}?",
    "Let's switch to {title}. {owner}, go ahead.",
    "Moving on. {owner}, can you walk us through {title}?",
]
SELF_TRANSITIONS = [
    "Next is {title}, which is mine, so I'll keep it quick.",
    "Let me take {title} myself; there are a few updates.",
    "Back to me for {title}.",
]
RETURNS = [
    "Let's come back to {title} for a few minutes. {owner}, anything new since earlier?",
    "We said we'd return to {title}. {owner}, go ahead.",
    "Back to {title} for a bit. {owner}, what's changed?",
    "Picking up {title} again. {owner}, where did we land?",
]

# ---------------------------------------------------------------------------------------------


def word_pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.,])" + re.escape(keyword) + r"(?![\w]|[.,]\d)", re.IGNORECASE)


ALL_KEYWORDS = [(f.key, word_pattern(a)) for f in FACTS for a in f.answers]
RESERVED_PATTERNS = [re.compile(r"\b" + re.escape(r), re.IGNORECASE) for r in RESERVED]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


PROPER = {*PEOPLE, *SPEAKERS, *WEEKDAYS, "I", "I'd", "I'm", "I'll", "I've", "Can", "Could", "Do", "Is", "Who", "What",
          "How", "Remind", "Let's", "Let", "Sorry", "Yes", "Okay", "Right", "Sounds", "Fair", "Good", "Agreed",
          "Noted", "Quick", "Just", "So"}


def can_take_opener(text: str) -> bool:
    """Statements that start with an ordinary word can be prefixed with "Yeah, ", "Honestly, " ..."""
    first = re.split(r"[\s,:;]", text, maxsplit=1)[0]
    if text[len(first):].startswith(","):  # already starts with "Honestly," "So," ...
        return False
    return not text.endswith("?") and first not in PROPER and not first.isupper()


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.recent: list[str] = []  # recently used templates
        self.seen: set[str] = set()

    def fill(self, template: str, topic: str, speaker: str) -> str:
        rng = self.rng
        vocab = VOCAB[topic]
        things = rng.sample(vocab["thing"], 2)
        others = [s for s in SPEAKERS if s != speaker]
        values = {
            "thing": things[0], "thing2": things[1], "thing_cap": cap(things[0]),
            "name": rng.choice(others), "person": rng.choice(PEOPLE), "team": (team := rng.choice(TEAMS)),
            "team_cap": cap(team),
            "when": rng.choice(WHEN), "weekday": rng.choice(WEEKDAYS), "pct": rng.choice(PERCENTS),
        }
        for slot, words in vocab.items():
            if slot != "thing":
                w = rng.choice(words)
                values[slot] = w
                values[slot + "_cap"] = cap(w)
        return template.format(**values)

    def filler(self, topic: str, speaker: str, previous: str | None) -> tuple[str, str]:
        """One fresh filler utterance: (speaker, text).  Templates marked "@" belong to the topic's owner."""
        rng = self.rng
        content = topic not in ("break", "wrap", "opening")
        for _ in range(500):
            # Leads of the topic mostly report; everyone else mostly asks, agrees and pushes back.
            lead = topic in SPEAKERS[speaker]
            generic_share = 0.0 if topic == "wrap" else 0.15 if lead else 0.55
            pool = TOPIC_TEMPLATES[topic]
            if topic not in ("break", "opening") and rng.random() < generic_share:
                pool = GENERIC
            template = rng.choice(pool)
            if template in self.recent:
                continue
            who = speaker
            if template.startswith("@"):
                who = OWNER[topic]
                if who == previous:
                    continue
            used = [template]
            text = self.fill(template.lstrip("@"), topic, who)
            if content and pool is not GENERIC:
                if rng.random() < 0.3 and can_take_opener(text):
                    text = rng.choice(OPENERS) + text[0].lower() + text[1:]
                for chance in ((0.75, 0.3) if lead else (0.3,)):  # leads often say two or three things
                    if text.endswith("?") or rng.random() >= chance:
                        break
                    more = rng.choice(TOPIC_TEMPLATES[topic])
                    if more not in self.recent and more not in used and not more.startswith("@") \
                            and not more.endswith("?"):
                        text += " " + self.fill(more, topic, who)
                        used.append(more)
            if content and not text.endswith("?") and rng.random() < 0.3:
                text += " " + self.fill(rng.choice(TAILS), topic, who)
            if text in self.seen or any(p.search(text) for _, p in ALL_KEYWORDS):
                continue
            if any(p.search(text) for p in RESERVED_PATTERNS):
                continue
            self.recent = (self.recent + used)[-14:]
            self.seen.add(text)
            return who, text
        raise RuntimeError(f"could not generate a fresh line for {topic}")


def pick_speaker(rng: random.Random, topic: str, previous: str | None) -> str:
    leads = [s for s, topics in SPEAKERS.items() if topic in topics]
    weights = [5.0 if s in leads else (1.6 if s == CHAIR else 1.0) for s in SPEAKERS]
    while True:
        s = rng.choices(list(SPEAKERS), weights)[0]
        if s != previous:
            return s


def build() -> tuple[list[str], list[dict]]:
    rng = random.Random(SEED)
    gen = Generator(SEED + 1)
    # Where in each segment the planted lines go: offsets chosen up front, never the first 3 lines.
    planted: dict[int, list[tuple[str, str, str | None]]] = {i: [] for i in range(len(AGENDA))}
    for f in FACTS:
        planted[f.segment].append((f.speaker, f.text, f.key))
        for seg, speaker, text in f.distractors:
            planted[seg].append((speaker, text, None))

    lines: list[str] = []
    fact_line: dict[str, int] = {}
    seen_topics: set[str] = set()
    for index, (topic, length) in enumerate(AGENDA):
        specials = planted[index]
        while True:  # planted lines at least four lines apart, never in a segment's first three lines
            slots = sorted(rng.sample(range(3, length - 1), len(specials)))
            if all(b - a >= 4 for a, b in itertools.pairwise(slots)):
                break
        rng.shuffle(specials)
        by_offset = dict(zip(slots, specials, strict=True))
        previous = lines[-1].split(":", 1)[0] if lines else None
        for offset in range(length):
            if offset == 0 and topic in TITLES:
                owner = OWNER[topic]
                pool = SELF_TRANSITIONS if owner == CHAIR else RETURNS if topic in seen_topics else TRANSITIONS
                while True:  # never the same transition line twice
                    text = rng.choice(pool).format(title=rng.choice(TITLES[topic]), owner=owner)
                    if f"{CHAIR}: {text}" not in lines:
                        break
                speaker = CHAIR
                seen_topics.add(topic)
            elif offset == 0 and topic == "break":
                speaker, text = CHAIR, "Let's take a ten minute break and pick up with the roadmap after."
            elif offset == 0 and topic == "wrap":
                speaker, text = CHAIR, "Okay, we're almost out of time, so let's wrap up."
            elif offset == length - 1 and topic == "wrap":
                speaker, text = CHAIR, "Thanks again, everyone. See you at the next planning session."
            elif offset == 0 and topic == "opening":
                speaker, text = CHAIR, "Alright, let's get started with the quarterly planning session."
            elif offset in by_offset:
                speaker, text, key = by_offset[offset]
                if key is not None:
                    fact_line[key] = len(lines) + 1
            else:
                speaker, text = gen.filler(topic, pick_speaker(rng, topic, previous), previous)
            lines.append(f"{speaker}: {text}")
            previous = speaker

    n = len(lines)
    questions = []
    for f in FACTS:
        line = fact_line[f.key]
        if f.near:
            distance = rng.randint(10, 40)
        else:
            hi = min(700, n - line)
            assert hi >= 200, (f.key, line, n)
            distance = rng.randint(200, hi)
        questions.append({"id": f.key, "after_line": line + distance, "fact_line": line,
                          "question": f.question, "answers": f.answers})
    questions.sort(key=lambda q: (q["after_line"], q["id"]))
    verify(lines, questions)
    return lines, questions


def verify(lines: list[str], questions: list[dict]) -> None:
    n = len(lines)
    assert len(set(lines)) == n, "duplicate lines"
    facts = {f.key: f for f in FACTS}
    for q in questions:
        f = facts[q["id"]]
        assert lines[q["fact_line"] - 1].endswith(f.text)
        assert q["fact_line"] < q["after_line"] <= n
        d = q["after_line"] - q["fact_line"]
        assert (10 <= d <= 40) if f.near else (200 <= d <= 700), (f.key, d)
        for answer in f.answers:
            pattern = word_pattern(answer)
            hits = [i + 1 for i, line in enumerate(lines) if pattern.search(line.split(":", 1)[1])]
            assert hits in ([], [q["fact_line"]]), (f.key, answer, hits)
        assert any(word_pattern(a).search(f.text) for a in f.answers), f.key
    for key, pattern in ALL_KEYWORDS:  # each fact's keywords live on its own fact line only
        line = next(q["fact_line"] for q in questions if q["id"] == key)
        for i, text in enumerate(lines):
            if i + 1 != line and pattern.search(text.split(":", 1)[1]):
                raise AssertionError(f"{key} keyword on line {i + 1}: {text}")


def main() -> None:
    lines, questions = build()
    (HERE / "long_meeting.txt").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    with open(HERE / "long_meeting_questions.jsonl", "w", encoding="utf-8") as out:
        for q in questions:
            out.write(json.dumps(q, ensure_ascii=False) + "\n")
    words = sum(len(line.split()) for line in lines)
    near = sum(1 for q in questions if q["after_line"] - q["fact_line"] <= 40)
    print(f"long_meeting.txt: {len(lines)} lines, {words} words; "
          f"{len(questions)} questions ({near} near, {len(questions) - near} far)")


if __name__ == "__main__":
    main()
