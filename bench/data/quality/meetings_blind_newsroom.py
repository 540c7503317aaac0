"""Blind hand-written test meeting: a small local newspaper's weekly planning meeting (newsroom_planning).

Written by a helper that read neither the notes engine nor the other test meetings, from the brief in
blind_brief.md, in the style of a real transcript (fillers, interruptions, owners visible only from who
answers, decisions said in passing, numbers and dates in words). Its traps:

- an owner reassigned later: the ribbon cutting goes from Hank to Colleen (Hank is `wrong_owner`);
- numbers corrected: the freelance money left (eight hundred, then six fifty once an invoice is counted),
  the gallery boost (two hundred asked, one fifty granted), the levy total printed wrong (three point two
  million, really two point three);
- a decision reversed: the front page leads with the water rates, then with the superintendent's resignation;
- a date moved: the graduation section goes from June eleventh to June eighteenth;
- people mentioned but not responsible: Gloria sends the council packet, Stan runs the printing plant,
  Tobias the intern helps with the portraits (all `wrong_owner`);
- two things left open: whether the superintendent will talk on the record, whether the judge allows a
  camera at the sentencing;
- small talk (noise): the leaking coffee maker, a walleye, the parking meter, a cactus card, a raccoon.

Fact rows: (id, section, line piece, keywords, owner, due, superseded, wrong_owner, exclude); question
rows: (id, kind, fact line piece, asked after the line with this piece, question, answers, wrong).
"""

from __future__ import annotations

from written import Written

LEVY = "I had the total as three point two million"
CORRECTION = "The correction runs on page two on Thursday"
WEB_FIX = "I'll fix the levy story online this afternoon"
PACKET = "Gloria at the clerk's office is sending me the council packet"
RATES_STORY = "I'll file the rates story in two goes"
FREELANCE = "Once Bernie's paid we've got six hundred and fifty left"
PAGES = "I want sixteen pages for the graduation section"
PORTRAITS = "I'll do the portraits. Thursday and Friday this week"
PRINT_RUN = "we bump the print run to fifty-two hundred copies"
GRAD_DATE = "So the graduation section moves to Thursday June eighteenth"
PRINTER = "I'll call Stan at the printing plant first thing tomorrow"
BERNIE = "Then that's a no on Bernie for graduation"
FRONT = "The superintendent story leads the front page"
SUPER_OPEN = "Whether the superintendent will actually talk to us on the record"
RIBBON = "Since Hank's stuck at the courthouse, I'll take the ribbon cutting"
COURT_OPEN = "Whether Judge Pruitt lets a camera into the courtroom"
BOOST = "A hundred and fifty for boosting the graduation gallery"
BLOTTER = "The blotter goes web-only from next week"
LETTERS = "Two hundred and fifty word limit, same as always"

OPEN_ANSWER = ["do not know", "unknown", "unclear", "not sure", "uncertain", "undecided", "open", "not yet",
               "no answer", "has not", "messages", "waiting", "unresolved", "pending"]  # fmt: skip

NEWSROOM_PLANNING = Written(
    name="newsroom_planning", split="test", minutes=25,
    title="Local newspaper: weekly planning meeting (levy correction, front page, graduation section, budgets)",
    speakers=["Marian", "Ravi", "Colleen", "Hank", "Nadia", "Walt"],
    transcript="bench/data/quality/newsroom_planning.txt",
    facts=[
        # The story printed three point two million; the total is two point three.
        ("levy_total", "number", LEVY, [["levy"], ["2300000"]], None, None, ["3200000"], [], []),
        ("correction_page", "decision", CORRECTION,
         [["correction"], ["page 2", "a2", "p2", "second page"]], None, None, [], [], []),
        ("web_fix", "action", WEB_FIX,
         [["levy", "correction", "editor note"], ["online", "web", "website", "site"]],
         "Nadia", ["afternoon", "today"], [], [], []),
        # Gloria sends the packet; Ravi writes the story.
        ("rates_story", "action", RATES_STORY,
         [["rate*", "water", "council"], ["story", "file*", "write*", "article", "version", "piece"]],
         "Ravi", ["wednesday", "noon"], [], ["Gloria"], []),
        # Eight hundred, then six fifty once Bernie's invoice is counted.
        ("freelance_left", "number", FREELANCE, [["freelance*"], ["650"]], None, None, ["800"], [], []),
        ("grad_pages", "number", PAGES, [["graduation", "section", "insert"], ["16"]], None, None, [], [], []),
        # Tobias helps; Hank shoots.
        ("grad_portraits", "action", PORTRAITS, [["portrait*"]], "Hank", ["thursday", "friday"], [], ["Tobias"], []),
        ("print_run", "number", PRINT_RUN,
         [["print run", "copies", "print*", "run"], ["5200"]], None, None, [], [], []),
        # Moved: June eleventh, then June eighteenth once graduation moves to the thirteenth.
        ("grad_section_date", "date", GRAD_DATE,
         [["graduation", "section", "insert"], ["june 18", "18"]], None, None, ["june 11"], [], []),
        # Stan runs the plant; Walt calls him.
        ("call_printer", "action", PRINTER, [["printer", "printing", "plant", "press", "stan"]],
         "Walt", ["tomorrow", "morning"], [], ["Stan"], []),
        ("no_bernie", "decision", BERNIE, [["bernie", "freelance*"], ["graduation", "ceremony"]],
         None, None, [], [], ["gallery", "boost*"]),
        # Reversed: "we lead with the water rates", then the resignation.
        ("front_lead", "decision", FRONT,
         [["superintendent", "whitcomb", "resign*"], ["lead*", "front", "top", "a1", "page 1", "headline"]],
         None, None, ["lead with the water rate*", "lead with water rate*", "water rates lead*",
                      "water rates story lead*", "water rates as the lead"], [], []),  # fmt: skip
        ("superintendent_open", "open", SUPER_OPEN,
         [["superintendent", "whitcomb"], ["talk*", "comment*", "interview*", "record", "speak*", "statement"]],
         None, None, [], [], []),
        # Reassigned: Hank said yes, then remembered the sentencing.
        ("ribbon_cutting", "action", RIBBON, [["ribbon*", "fire station"]], "Colleen", ["tuesday", "10"],
         [], ["Hank"], []),
        ("courtroom_open", "open", COURT_OPEN,
         [["camera*", "photo*", "photograph*"], ["court*", "sentencing", "judge", "pruitt", "decker"]],
         None, None, [], [], []),
        # Two hundred asked, one fifty granted.
        ("gallery_boost", "number", BOOST,
         [["boost*", "promot*", "gallery", "social", "facebook"], ["150"]], None, None, ["200"], [], []),
        ("blotter_web", "decision", BLOTTER,
         [["blotter"], ["web", "online", "website", "site", "internet"]], None, None, [], [], []),
    ],
    questions=[
        # In the window (40-300 words after the fact).
        ("levy.how_much.in", "how_much", LEVY, "the district office called me about it too",
         "What's the correct total for the school levy?", [["2300000"]], ["3200000"]),
        ("correction.what.in", "what", CORRECTION, "Send it to me and Ravi both.",
         "Which page does the levy correction run on?", [["page 2", "a2", "p2", "second page"]], []),
        ("web_fix.who.in", "who", WEB_FIX, "Which is fewer than it used to be.",
         "Who's fixing the levy story on the website?", [["Nadia"]], []),
        ("packet.who.in", "who", PACKET, "Of what, a council vote?",
         "Who is sending Ravi the council packet?", [["Gloria"]], []),
        ("rates_story.who.in", "who", RATES_STORY, "Then that's your picture, Hank.",
         "Who's writing the water rates story?", [["Ravi"]], ["Gloria"]),
        ("rates_story.when.in", "when", RATES_STORY, "I haven't used a flash since",
         "When is the full print version of the rates story due?", [["noon", "wednesday"]], []),
        ("freelance.how_much.in", "how_much", FREELANCE, "It compounds, it's fun.",
         "How much is left in the freelance budget for June?", [["650"]], ["800"]),
        ("freelance.why.in", "why", FREELANCE, "And print-wise, the newsprint bill",
         "Why is there less freelance money than Walt first said?",
         [["bernie", "invoice*", "track", "marina"]], []),
        ("grad_pages.how_much.in", "how_much", PAGES, "Last year there were twins",
         "How many pages will the graduation section have?", [["16"]], ["20"]),
        ("portraits.who.in", "who", PORTRAITS, "Okay, print run. Walt, we go up",
         "Who is taking the graduation portraits?", [["Hank"]], ["Tobias"]),
        ("portraits.when.in", "when", PORTRAITS, "The carriers complain, but the racks hold it.",
         "When are the valedictorian and top ten portraits being shot?", [["thursday", "friday"]], []),
        ("print_run.how_much.in", "how_much", PRINT_RUN, "Has anybody got a dollar",
         "How many copies will they print of the graduation issue?", [["5200"]], ["4600"]),
        ("grad_date.when.in", "when", GRAD_DATE, "Oh, I remember. My thumbs remember.",
         "When does the graduation section come out now?", [["june 18", "18"]], ["june 11"]),
        ("printer.who.in", "who", PRINTER, "No, keep Thursday and Friday.",
         "Who's calling the printing plant about the graduation run?", [["Walt"]], ["Stan"]),
        ("bernie.why.in", "why", BERNIE, "Dr. Whitcomb. Effective the end of June.",
         "Why won't Bernie shoot the graduation ceremony?",
         [["money", "400", "budget", "cost*", "expensive", "afford*", "news"]], []),
        ("front.what.in", "what", FRONT, "And she's not going to talk, is she.",
         "What did they decide to lead Thursday's front page with?",
         [["superintendent", "whitcomb", "resign*"]], ["water rate*"]),
        ("front.why.in", "why", FRONT, "The board president might talk",
         "Why did the water rates lose the lead?", [["resign*", "bigger", "superintendent"]], []),
        ("superintendent.what.in", "what", SUPER_OPEN, "not the one where she's sneezing",
         "Has the superintendent agreed to talk to the paper on the record?", [OPEN_ANSWER], []),
        ("ribbon.who.in", "who", RIBBON, "So we don't know. That's open too.",
         "Who's covering the ribbon cutting at the new fire station now?", [["Colleen"]], ["Hank"]),
        ("ribbon.why.in", "why", RIBBON, "Then we use the courthouse steps.",
         "Why can't Hank do the ribbon cutting?", [["court*", "sentencing", "decker"]], []),
        ("courtroom.what.in", "what", COURT_OPEN, "It's a different cactus every year",
         "Will Hank be allowed to bring a camera into the Decker sentencing?",
         [[*OPEN_ANSWER, "not heard", "friday", "maybe"]], []),
        ("boost.how_much.in", "how_much", BOOST, "No, listen. It's half a page every week",
         "How much are they spending to boost the graduation gallery?", [["150"]], ["200"]),
        ("blotter.what.in", "what", BLOTTER, "Marian: How long?",
         "What did they decide about the police blotter?", [["web", "online", "website", "internet", "site"]], []),
        ("blotter.why.in", "why", BLOTTER, "He's going to be so upset.",
         "Why is the blotter coming out of the print edition?",
         [["half", "page", "space", "newsprint", "sav*", "least read"]], []),
        ("letters.how_much.in", "how_much", LETTERS, "He pitched me a piece yesterday",
         "What's the word limit for letters?", [["250"]], ["900"]),
        # Long after the fact (1600+ words): said early, asked late.
        ("levy.how_much.evicted", "how_much", LEVY, "I'll change the date on the promo",
         "How big is the school levy really, after the mistake in the story?", [["2300000"]], ["3200000"]),
        ("correction.what.evicted", "what", CORRECTION, "Good. Thursday and Friday it is.",
         "Where in the paper will the levy correction appear?", [["page 2", "a2", "p2", "second page"]], []),
        ("web_fix.who.evicted", "who", WEB_FIX, "I'll bring the good phone.",
         "Who is putting the editor's note on the online levy story?", [["Nadia"]], []),
        ("web_fix.when.evicted", "when", WEB_FIX, "Don't guess. Please don't guess in print.",
         "When will the web version of the levy story be fixed?", [["afternoon", "today"]], []),
        ("rates_story.who.evicted", "who", RATES_STORY, "Also me, technically.",
         "Who's filing the water rates story?", [["Ravi"]], ["Gloria"]),
        ("rates_story.when.evicted", "when", RATES_STORY, "He moved to Arizona.",
         "When is the print version of the water rates story due?", [["noon", "wednesday"]], []),
        ("freelance.how_much.evicted", "how_much", FREELANCE, "it got more clicks than my levy story",
         "How much freelance money is left this month?", [["650"]], ["800"]),
        ("freelance.why.evicted", "why", FREELANCE, "Thank you, Nadia. Great. Love this team.",
         "Why did the freelance budget turn out smaller than eight hundred?",
         [["bernie", "invoice*", "track", "marina"]], []),
        ("grad_pages.how_much.evicted", "how_much", PAGES, "it looks like a bank statement",
         "How big is the graduation section going to be?", [["16"]], ["20"]),
        ("portraits.who.evicted", "who", PORTRAITS, "Hank, anything else?",
         "Who's shooting the portraits for the graduation section?", [["Hank"]], ["Tobias"]),
        ("print_run.how_much.evicted", "how_much", PRINT_RUN, "He's been here longer than Nadia.",
         "What's the print run for the graduation issue?", [["5200"]], ["4600"]),
        ("grad_date.when.evicted", "when", GRAD_DATE, "I'll lean. I'm good at leaning.",
         "Which day does the graduation section run now?", [["june 18", "18"]], ["june 11"]),
        ("grad_date.why.evicted", "why", GRAD_DATE, "Everything in this building is coming soon.",
         "Why was the graduation section pushed back?",
         [["13", "turf", "stadium", "ceremony", "postpon*", "delay*", "moved", "pushed", "later", "week"]], []),
        ("printer.who.evicted", "who", PRINTER, "And is anybody going to the chamber breakfast",
         "Who will get in touch with the printing plant about the graduation issue?", [["Walt"]], ["Stan"]),
        ("bernie.why.evicted", "why", BERNIE, "Everything in this building is coming soon.",
         "Why did they decide against Bernie for graduation?",
         [["money", "400", "budget", "cost*", "expensive", "afford*", "news"]], []),
    ],
    nevers=[
        ("Who's covering the state senate race?", ["senate", "senator", "senators"]),
        ("How much does a classified ad cost in the paper?", ["classified", "classifieds"]),
        ("What did they decide about the crossword?", ["crossword", "crosswords", "puzzle", "puzzles"]),
        ("What's the budget for election night coverage?", ["election", "elections"]),
        ("When does the printing contract come up for renewal?", ["contract", "contracts", "renewal"]),
        ("Which drone will Hank use for aerial shots of the stadium?", ["drone", "drones", "aerial"]),
        ("Who is writing this week's editorial?", ["editorial", "editorials"]),
        ("How much is the podcast budget this month?", ["podcast", "podcasts"]),
        ("Why did the paper raise its subscription price?",
         ["subscription", "subscriptions", "subscriber", "subscribers"]),
    ],
    noise=[
        ("coffee", "The coffee maker is leaking again, by the way", [["coffee"]]),
        ("walleye", "did I tell you guys about the walleye", [["walleye"]]),
        ("meter", "Has anybody got a dollar for the parking meter", [["meter"]]),
        ("cactus", "With a cactus on it", [["cactus"]]),
        ("raccoon", "somebody needs to deal with the raccoon", [["raccoon"]]),
    ],
)  # fmt: skip

MEETINGS = [NEWSROOM_PLANNING]
