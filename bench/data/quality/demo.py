"""Gold for the project's demo meeting, samples/meeting.script.txt (audio: samples/meeting.ogg).

A hand-written meeting (written.py): lines are found by a piece of their text, so an edit of the script
that moves or rewords a fact line makes make_quality.py fail instead of writing wrong line numbers.
Questions are asked shortly after the fact in a text run; `bench.quality --audio` asks them all at the end,
as `sinkscribe replay --ask` does.
"""

from __future__ import annotations

from written import Written

FACTS = [
    # (id, section, line piece, keywords, owner, due, superseded, wrong_owner, exclude)
    ("release_date", "decision", "We have decided to move the release date", [["release", "launch"], ["march 24"]],
     None, None, ["march 10"], [], []),
    # The migration and the plan for it are two tasks of David's, the plan due Friday (until stop 26 one fact,
    # due Friday, so a note listing the plan on its own counted as off the gold).
    ("migration_owner", "action", "David owns the database migration. Please", [["migrat*"]],
     "David", None, [], ["Sarah", "Kevin"], ["test plan", "backup"]),
    ("migration_plan", "action", "David owns the database migration. Please", [["plan"]],
     "David", ["friday"], [], ["Sarah", "Kevin"], ["test plan", "testing plan", "backup"]),
    ("payment_fix", "action", "I will fix the payment issues first", [["payment"]], "Sarah", None, [], [], []),
    ("test_plan", "action", "I will fix the payment issues first", [["test plan", "testing plan"]], "Sarah",
     ["wednesday"], [], [], []),
    ("campaign_move", "action", "I can move the campaign", [["campaign"]], "Tom", None, [], [], []),
    ("pilot_summary", "action", "write a short summary of the feedback", [["feedback", "pilot"], ["summar*", "share"]],
     "Tom", ["monday"], [], [], []),
    ("startup_fix", "decision", "the startup fix goes into the release",
     [["startup", "start up", "slow", "too long", "opening", "load time", "launch time"], ["fix*", "includ*", "release"]],
     None, None, [], [], []),
    ("pilot_users", "number", "about four hundred pilot users", [["pilot", "users"], ["400"]], None, None, [], [], []),
    ("downtime_hours", "number", "roughly two hours of downtime", [["downtime", "down time"], ["2 hours"]],
     None, None, [], [], []),
    ("downtime_date", "date", "schedule the downtime for Saturday night", [["downtime", "down time", "migration"],
     ["march 21"]], None, None, [], [], []),
    ("open_old_version", "open", "support the old version of the app", [["old version", "older version",
     "previous version", "old app", "legacy", "version 2"]], None, None, [], [], []),
    ("open_premium_price", "open", "Are we keeping the premium plan", [["premium", "price", "pricing"]],
     None, None, [], [], []),
    ("open_issues", "number", "we found twelve open issues", [["issues", "bugs"], ["12"]], None, None, [], [], []),
]  # fmt: skip

QUESTIONS = [
    # (id, kind, fact line piece, asked after the line with this piece, question, answers, wrong)
    ("release.what", "what", "We have decided to move the release date", "I will also ask Kevin to help",
     "What was decided about the release date?", [["march 24"]], ["march 10"]),
    ("release.why", "why", "If we rush the migration", "I will also ask Kevin to help",
     "Why was the release moved?", [["migrat*", "data", "testing"]], []),
    ("migration.who", "who", "David owns the database migration. Please", "what about the pilot feedback",
     "Who owns the database migration?", [["David"]], ["Sarah", "Kevin"]),
    ("migration.when", "when", "David owns the database migration. Please", "what about the pilot feedback",
     "When is the migration plan due?", [["friday"]], ["wednesday"]),
    ("test_plan.who", "who", "I will fix the payment issues first", "The most common complaint",
     "Who will write the test plan for the migration?", [["Sarah"]], ["David"]),
    ("pilot_users.how_much", "how_much", "about four hundred pilot users", "write a short summary of the feedback",
     "How many pilot users were there?", [["400"]], []),
    ("complaint.what", "what", "takes too long to open", "One open question. Will we still support",
     "What was the most common complaint from the pilot users?", [["open*", "start*", "slow", "load*", "too long"]], []),
    ("downtime.how_much", "how_much", "roughly two hours of downtime", "The open questions are support",
     "How long will the downtime be?", [["2 hours"]], []),
    ("downtime.when", "when", "schedule the downtime for Saturday night", "Thank you all. See you next week",
     "When is the downtime scheduled?", [["march 21", "saturday"]], []),
]  # fmt: skip

NEVERS = [
    ("What budget was approved for the marketing campaign?", ["budget", "approved"]),
    ("Which cloud provider will host the new database?", ["cloud", "provider"]),
    ("How many new engineers will be hired for the team?", ["hire", "hired", "hiring", "engineers"]),
]


DEMO = Written(
    name="demo", split="dev", minutes=4, title="Release plan for version three of the mobile app",
    speakers=["Maria", "David", "Sarah", "Tom"], transcript="samples/meeting.script.txt", facts=FACTS,
    questions=QUESTIONS, nevers=NEVERS, audio="samples/meeting.ogg",
)  # fmt: skip
