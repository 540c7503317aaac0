"""Development meetings of the quality set (tune on these): a hiring committee and a research group."""

from __future__ import annotations

from spec import TRAP, Ask, Block, Fact, Meeting, Never, Noise

# -- hiring committee, 20 minutes ------------------------------------------------------------------------

HIRING_FACTS = {
    "backend_offer": Fact(
        "backend_offer", "decision", [["Ravi"], ["backend", "offer", "hire", "hiring"]], superseded=["Claire"],
        asks=[Ask("what", "Which candidate gets the offer for the backend role?", [["Ravi"]], ["Claire"]),
              Ask("why", "Why did the committee not go with Claire for the backend role?",
                  [["remote", "office", "on site", "onsite"]], windows=("in",))]),
    "salary": Fact(
        "salary", "number", [["salary", "offer", "base", "pay"], ["150000"]], superseded=["145000"],
        asks=[Ask("how_much", "What base salary will Ravi be offered?", [["150000"]], ["145000"])]),
    "references": Fact(
        "references", "action", [["reference*"]], owner="Elena", due=["thursday"], wrong_owner=["Marcus"],
        asks=[Ask("who", "Who is doing Ravi's reference checks?", [["Elena"]], ["Marcus"]),
              Ask("when", "When will the reference checks be done?", [["thursday"]], windows=("in",))]),
    "start_date": Fact(
        "start_date", "date", [["start*", "join*"], ["june 2"]],
        asks=[Ask("when", "When could Ravi start?", [["june 2"]])]),
    "approval": Fact(
        "approval", "action", [["approv*", "sign off", "signoff", "signed off"]], owner="Priya", wrong_owner=["Tanya"],
        asks=[Ask("who", "Who will get the offer approved?", [["Priya"]], ["Tanya"])]),
    "designer_role": Fact(
        "designer_role", "decision", [["design*"], ["remote", "repost*", "re post*", "reopen*", "re open*"]],
        asks=[Ask("what", "What was decided about the product designer opening?", [["remote"]])]),
    "job_post": Fact(
        "job_post", "action", [["job post*", "posting", "job description", "job ad", "listing"]], owner="Jonah",
        due=["monday"], asks=[Ask("who", "Who is rewriting the designer job post?", [["Jonah"]])]),
    "interns": Fact(
        "interns", "number", [["intern*"], ["4"]], superseded=["6"],
        asks=[Ask("how_much", "How many interns will the team take this summer?", [["4"]], ["6"])]),
    "take_home": Fact("take_home", "open", [["take home", "exercise", "assignment", "homework"]]),
    "answer_deadline": Fact(
        "answer_deadline", "date", [["answer", "decision", "deadline", "respond", "reply"], ["friday"]],
        exclude=["job post", "posting"],
        asks=[Ask("when", "By when does Ravi need an answer from us?", [["friday"]])]),
}
H = HIRING_FACTS

HIRING = Meeting(
    name="hiring_committee", split="dev", minutes=20, seed=1301,
    title="Hiring committee: backend engineer, product designer, summer interns",
    speakers=["Priya", "Marcus", "Elena", "Jonah"], chair="Priya",
    reserved=["Ravi", "Claire", "reference", "references", "salary", "intern", "interns", "job post", "take home",
              "take-home", "approve", "approval", "start date", "june", "remote", "marathon", "Tanya", "sign off",
              "answer by", "145", "150"],
    blocks=[
        Block("opening", "", 0.5, lead="Priya", small_talk=1, scene_at=0.6, scene=[
            ("Jonah", "Before we start, I ran my first half marathon on Sunday. Two hours and five minutes.",
             Noise("marathon", [["marathon"]])),
            ("Elena", "Oh, congratulations! Can you walk today?"),
            ("Jonah", "Barely. The stairs this morning were a real conversation."),
            ("Priya", "Well done. Okay, we have three things today: the backend engineer, the product designer "
                      "opening, and the summer interns. And we need to settle the offer details at the end."),
        ]),
        Block("pipeline", "the backend engineer role", 1.6, lead="Marcus", scene_at=0.4, scene=[
            ("Marcus", "So the two finalists for the backend role are Ravi and Claire. Both did well on the system "
                       "design round."),
            ("Priya", "My gut says Claire. Her interview was the strongest I've seen this year.", TRAP),
            ("Elena", "Claire was great, no question. But she told me she only wants a fully remote job, and this "
                      "team needs people in the office three days a week."),
            ("Marcus", "That's right, she said the same to me on the phone screen. She won't move on that."),
            ("Priya", "Hmm. Then it doesn't work, however much I liked her."),
            ("Jonah", "Ravi was very good too. He asked the best questions of anyone about how we deploy."),
            ("Priya", "Okay. Since Claire wants fully remote and we need the office days, we're agreed: the backend "
                      "offer goes to Ravi.", H["backend_offer"]),
            ("Elena", "Agreed. I'm happy with that."),
            ("Marcus", "One thing: Ravi has another offer, so he needs an answer from us by Friday.",
             H["answer_deadline"]),
            ("Priya", "Then we move fast. Marcus, can you run the reference checks this week?", TRAP),
            ("Marcus", "Sure, I can do that."),
        ]),
        Block("interviews", "the interview process", 1.2, lead="Elena", scene_at=0.5, scene=[
            ("Elena", "While we're on process, can we talk about the take-home exercise? Senior people keep "
                      "dropping out at that step."),
            ("Jonah", "I'd drop it for senior candidates and do a pairing session instead."),
            ("Marcus", "Some hiring managers really like the take-home, though. I don't want to decide that without "
                       "them."),
            ("Priya", "Fair. Let's leave the take-home question open and come back to it next time, once we've "
                      "asked the managers.", H["take_home"]),
        ]),
        Block("design", "the product designer opening", 1.3, lead="Jonah", scene_at=0.5, scene=[
            ("Jonah", "For the product designer, we've had the post up for six weeks and only three real "
                      "applicants."),
            ("Marcus", "The local market for designers is tiny right now. Everyone good is already employed."),
            ("Jonah", "So my proposal is we open it to remote candidates across the country and re-post it."),
            ("Priya", "That's different from the backend role, but for design it makes sense. Okay, decided: the "
                      "designer role becomes remote and we re-post it.", H["designer_role"]),
            ("Jonah", "Great. I'll rewrite the job post by Monday so it reads less like a list of tools.",
             H["job_post"]),
        ]),
        Block("summer", "the plan for the summer interns", 1.0, lead="Elena", scene_at=0.45, scene=[
            ("Elena", "For the summer, the plan was six interns, two per team.", TRAP),
            ("Priya", "I have to correct that. Finance came back yesterday, and the budget only covers four interns "
                      "this summer, not six.", H["interns"]),
            ("Elena", "Four is still fine. We'll pair them with the teams that have the clearest projects."),
            ("Marcus", "I'll tell the universities that the number went down."),
        ]),
        Block("offer", "the offer details", 1.2, lead="Marcus", scene_at=0.3, small_talk=1, scene=[
            ("Marcus", "For Ravi's offer, I had one hundred forty-five thousand as the base salary.", TRAP),
            ("Priya", "Wait, the approved band for that level starts higher now. It was updated in the spring."),
            ("Marcus", "You're right, sorry, I used the old sheet. The base salary offer is a hundred and fifty "
                       "thousand, which is the bottom of the new band.", H["salary"]),
            ("Priya", "Good. And I'll get the offer approved myself. Tanya in finance has to see it, but the "
                      "sign-off is on me, and I'll do it tomorrow.", H["approval"]),
            ("Marcus", "He told me he could start on June second if we're quick.", H["start_date"]),
            ("Priya", "Perfect. Marcus, about the reference checks: you're out next week, aren't you?"),
            ("Marcus", "I am, yes. Completely forgot."),
            ("Priya", "Then let's move them. Elena, could you take the reference checks instead?"),
            ("Elena", "Yes, I'll take over the reference checks and have them done by Thursday.", H["references"]),
        ]),
        Block("wrap", "", 0.5, lead="Priya", scene_at=0.0, scene=[
            ("Priya", "Okay, I think we're done. Thanks, everyone."),
        ]),
    ],
    pools={
        "opening": [
            "Let me share my screen so we're all looking at the same tracker.",
            "I only have until the top of the hour, so let's keep it tight today.",
            "Did everyone get a chance to read the interview notes before this?",
            "I added two comments to the tracker last night, nothing dramatic.",
        ],
        "pipeline": [
            "The system design round really separated people this time.",
            "We had about {count} applications for the backend role in the first week alone.",
            "Most of the applicants came through {source}, which surprised me.",
            "I think our phone screen is too easy. Almost everyone passes it.",
            "The onsite schedule is exhausting for candidates, five interviews back to back.",
            "{person} from the {team} team sat in on two of the interviews and was impressed.",
            "Can we agree on what strong looks like for the debugging interview?",
            "The feedback forms came in late again, some of them three days after the interview.",
            "I liked that both finalists asked about on-call. It shows they've done the job.",
            "Honestly, the pipeline for backend people is healthier than it was in the winter.",
            "We should thank the interviewers; it was a lot of hours this month.",
            "I'd like us to write down the reasons for every no, so we can learn from them.",
            "The coding round went over time for almost everyone. Maybe the problem is too long?",
            "Did anyone else find the scoring rubric confusing for the architecture question?",
        ],
        "interviews": [
            "The calendar side is the real bottleneck; finding five interviewers on one day takes a week.",
            "We could do the onsite over two shorter days, which candidates seem to prefer.",
            "{person} suggested recording a short intro video about the team for candidates.",
            "I'd like every interviewer to take the calibration session before interviewing again.",
            "Our interview questions haven't changed in two years, and some are online now.",
            "Candidates told us the process felt friendly, which is nice to hear.",
            "We lose people between the onsite and the decision. That gap is too long.",
            "Can we get the {team} team to take some of the interview load? Ours is heavy.",
            "The debrief meetings run too long. Thirty minutes should be enough.",
            "I'd rather have fewer interviews that go deeper than more that stay shallow.",
            "Should we tell candidates the topics of each round in advance?",
            "We tried a shadowing program for new interviewers last year and it helped a lot.",
        ],
        "design": [
            "Good designers ask to see our product before they even apply, which is fair.",
            "Portfolio reviews take me a long time, but they tell me the most.",
            "The design team is stretched; {person} has been covering two product areas.",
            "I'd love someone who can do research as well as visual work.",
            "Our careers page shows almost nothing about design work here.",
            "The last two designers we hired came through referrals.",
            "Could we show a case study from the design team on the careers page?",
            "The design challenge we used last year took candidates a whole weekend. Too much.",
            "Designers care a lot about who they'll work with. We should let them meet the team early.",
            "I think we undersold the mobile work in the description.",
        ],
        "summer": [
            "The universities want our project list by the end of the month.",
            "Last summer the best projects were the small, well-defined ones.",
            "Mentoring takes real time; we should count it in the team plans.",
            "{person} offered to run the welcome week again, which is great.",
            "Each project should have a demo at the end of the summer, like last year.",
            "We had {count} applications from the career fair alone.",
            "I'd like the summer projects to ship something real, not just a prototype.",
            "Desks might be tight in August, so let's check with facilities.",
        ],
        "offer": [
            "Candidates compare total packages now, not just the base.",
            "Our benefits are good, but we explain them badly in the offer letter.",
            "Relocation support doesn't apply here, so that's simpler.",
            "I'd like offer letters to go out within a day of the decision from now on.",
            "The new equity guidelines came out last month, and they're clearer.",
            "Let's make sure the offer call is done by a person, not just an email.",
        ],
        "wrap": ["Thanks for the quick decisions today.", "Good meeting, I think."],
        "general": [
            "I think we're in a better place than last quarter.",
            "Let's not overthink it.",
            "We can revisit this if it doesn't work.",
            "That's a good point about the team's workload.",
            "I'll share my notes in the channel afterwards.",
            "Honestly, the tracker makes this so much easier than last year.",
            "I wish we had more time for this, but okay.",
        ],
    },
    things={
        "pipeline": ["the phone screen", "the system design round", "the feedback form", "the debugging interview",
                     "the scoring rubric", "the onsite schedule", "the coding round", "our sourcing",
                     "the applicant tracker", "the interviewer rota"],
        "interviews": ["the calibration session", "the debrief meeting", "the interview calendar", "the question bank",
                       "the candidate survey", "the shadowing program", "the hiring manager sync"],
        "design": ["the portfolio review", "the careers page", "the design challenge", "the design team's workload",
                   "the research side of the role", "our employer brand"],
        "summer": ["the university partnership", "the project list", "the welcome week", "the mentoring plan",
                   "the end-of-summer demo"],
        "offer": ["the offer letter", "the benefits summary", "the equity guideline", "the offer call",
                  "the background check"],
        "general": ["the hiring plan", "the team's workload", "the tracker", "the hiring process"],
    },
    vocab={
        "count": ["forty", "about sixty", "ninety", "over a hundred", "twenty-five", "70", "35"],
        "source": ["referrals", "the careers page", "the job boards", "the university fair", "a meetup talk"],
        "person": ["Oscar", "Beth", "Wendy", "Luca", "Nadine"],
        "team": ["platform", "payments", "mobile", "data", "billing"],
    },
    nevers=[
        Never("What signing bonus was offered to Ravi?", ["signing bonus", "bonus"], 0.95),
        Never("Which recruiting agency will help with the designer search?", ["agency", "recruiting agency"], 0.6),
        Never("How many years of experience does Ravi have?", ["years of experience"], 0.98),
    ],
)

# -- research group, 30 minutes --------------------------------------------------------------------------

RESEARCH_FACTS = {
    "deadline": Fact(
        "deadline", "date", [["deadline", "submi*", "due"], ["may 22"]], superseded=["may 15"],
        asks=[Ask("when", "When is the paper submission deadline?", [["may 22"]], ["may 15"])]),
    "venue": Fact(
        "venue", "decision", [["main conference", "main track", "full paper"]], superseded=["workshop"],
        asks=[Ask("what", "Where will the paper be submitted?", [["main conference", "main track"]], ["workshop"])]),
    "participants": Fact(
        "participants", "number", [["participant*", "people", "subjects"], ["140"]], superseded=["120"],
        asks=[Ask("how_much", "How many participants does the study have now?", [["140"]], ["120"])]),
    "baseline": Fact(
        "baseline", "action", [["baseline*"]], owner="Lucia", due=["thursday"],
        asks=[Ask("who", "Who is re-running the baseline?", [["Lucia"]]),
              Ask("when", "When will the baseline be re-run?", [["thursday"]], windows=("in",))]),
    "ethics": Fact(
        "ethics", "action", [["ethics"]], owner="Yuki", wrong_owner=["Ben"],
        asks=[Ask("who", "Who is filing the ethics amendment?", [["Yuki"]], ["Ben"])]),
    "related_work": Fact(
        "related_work", "action", [["related work"]], owner="Omar", due=["monday"], wrong_owner=["Fischer"],
        asks=[Ask("who", "Who is drafting the related work section?", [["Omar"]], ["Fischer"])]),
    "compute": Fact(
        "compute", "number", [["compute", "cloud", "gpu"], ["3000"]],
        asks=[Ask("how_much", "How much money is left for cloud compute?", [["3000"]])]),
    "forum_dataset": Fact(
        "forum_dataset", "decision", [["forum"], ["drop*", "exclud*", "remov*", "not use", "leave out", "left out"]],
        asks=[Ask("why", "Why was the forum dataset dropped?", [["licen*", "redistribut*", "share"]]),
              Ask("what", "What was decided about the forum dataset?", [["drop*", "exclud*", "remov*", "not use",
                                                                        "leave out", "left out"]], windows=("in",))]),
    "author_order": Fact("author_order", "open", [["author*"]]),
    "payment": Fact("payment", "open", [["pay*", "compensat*", "euros"]]),
    "draft": Fact(
        "draft", "date", [["draft"], ["may 8"]],
        asks=[Ask("when", "When is the full draft due to Helen?", [["may 8"]])]),
}
R = RESEARCH_FACTS

RESEARCH = Meeting(
    name="research_group", split="dev", minutes=30, seed=1302,
    title="Research group meeting: the attention study paper",
    speakers=["Helen", "Omar", "Lucia", "Ben", "Yuki"], chair="Helen",
    reserved=["deadline", "May", "workshop", "main conference", "participants", "baseline", "ethics", "related work",
              "Fischer", "compute", "cloud", "forum", "author", "authors", "pay", "paid", "payment", "euros", "draft",
              "sourdough", "120", "140", "3000", "3,000"],
    blocks=[
        Block("opening", "", 0.5, lead="Helen", small_talk=1, scene_at=0.5, scene=[
            ("Ben", "Sorry, my sourdough starter exploded in the fridge this morning, which is why I'm late.",
             Noise("sourdough", [["sourdough"]])),
            ("Lucia", "Exploded? How does that even happen?"),
            ("Ben", "Too warm, too much flour, not enough jar. Lesson learned."),
            ("Helen", "Okay, welcome everyone. Today it's mostly the paper: the venue, the deadline, where the "
                      "data stands and who writes what. Then money and the ethics paperwork."),
        ]),
        Block("paper", "the paper plan", 1.4, lead="Helen", scene_at=0.35, small_talk=1, scene=[
            ("Helen", "First the venue. My plan was to send this to the workshop, to get early feedback.", TRAP),
            ("Omar", "We could, but the results from the second round are much stronger than I expected."),
            ("Lucia", "The effect held in every condition. I think it deserves a full paper."),
            ("Helen", "Okay, you've convinced me. We skip the workshop and submit to the main conference.",
             R["venue"]),
            ("Ben", "And the deadline for that is May fifteenth, right?", TRAP),
            ("Yuki", "It was, but they extended it yesterday. The submission deadline is now May twenty-second.",
             R["deadline"]),
            ("Helen", "That helps. Still, I want a full draft by May eighth, so we have two weeks to polish.",
             R["draft"]),
            ("Omar", "I'll draft the related work section by Monday. Dr. Fischer's group sent me their review "
                     "paper, which covers most of it, but the writing is mine.", R["related_work"]),
        ]),
        Block("data", "where the data stands", 1.6, lead="Lucia", scene_at=0.4, scene=[
            ("Lucia", "So, the data. After the first round we had a hundred and twenty participants.", TRAP),
            ("Yuki", "Plus the second round, which finished on Friday."),
            ("Lucia", "Right, sorry, with the second round we're at a hundred and forty participants in total.",
             R["participants"]),
            ("Ben", "And the forum dataset? I was going to use it for the comparison."),
            ("Omar", "I checked the licence. It doesn't allow redistribution, and the conference wants the data "
                     "shared."),
            ("Helen", "Then we drop the forum dataset from the paper, since its licence doesn't allow "
                      "redistribution.", R["forum_dataset"]),
            ("Ben", "Okay. A shame, but fine."),
            ("Helen", "One more thing: the baseline numbers in the draft are from the old code."),
            ("Lucia", "I'll re-run the baseline with the fixed code by Thursday.", R["baseline"]),
        ]),
        Block("methods", "the analysis", 1.5, lead="Omar", scene_at=0.5, scene=[
            ("Ben", "Can I raise something awkward? The author order. I'd like to know where I stand."),
            ("Helen", "That's a fair question. I don't want to decide it before the draft exists, so author order "
                      "stays open until we see who wrote what.", R["author_order"]),
            ("Ben", "Okay, that's fair."),
        ]),
        Block("money", "money and admin", 1.2, lead="Yuki", scene_at=0.4, scene=[
            ("Yuki", "On money: we have three thousand euros left for cloud compute this year.", R["compute"]),
            ("Omar", "That's enough for the re-runs if we're careful."),
            ("Lucia", "Should we pay the next round of participants fifteen or twenty euros? The other lab pays "
                      "twenty.", R["payment"]),
            ("Helen", "I don't know yet. Let's keep that open; I want to see the grant report first."),
            ("Helen", "And the ethics amendment for the second study. Ben, you were going to file it?", TRAP),
            ("Ben", "I was, but I'm teaching two courses this month and I won't get to it."),
            ("Yuki", "I can take it. I'll file the ethics amendment, I've done the last three anyway.",
             R["ethics"]),
            ("Helen", "Thank you, Yuki. That's a relief."),
        ]),
        Block("wrap", "", 0.4, lead="Helen", scene_at=0.2, scene=[
            ("Helen", "Okay, that's everything from me. Thanks all, good progress."),
        ]),
    ],
    pools={
        "opening": [
            "Can everyone see the shared document? I put the outline at the top.",
            "I moved the meeting to the small room because the big one is booked.",
            "Let me know if I'm too quiet; the microphone in here is not great.",
        ],
        "paper": [
            "The introduction still reads like a grant proposal. It needs to get to the point faster.",
            "I'd lead with the main result in the first paragraph, not the third.",
            "The figures should all use the same colors for the conditions.",
            "{person} offered to read the paper as an outsider, which would be useful.",
            "Our abstract is two hundred words too long at the moment.",
            "Let's keep the limitations section honest. Reviewers respect that.",
            "Figure {num} is the one people will remember, so it has to be clean.",
            "Should the pilot study be in the main text or in the appendix?",
            "The title is a placeholder. Let's brainstorm a better one next week.",
            "I worry the discussion overclaims a little in the last paragraph.",
            "We cite our own previous paper four times. Once is enough.",
            "The story is really about attention under time pressure, and we should say so plainly.",
        ],
        "data": [
            "The response times look cleaner after we removed the practice trials.",
            "About {pct} percent of the sessions had some kind of technical hiccup.",
            "The second round used the new lab room, which is quieter.",
            "I'd like a second person to check the exclusion rules before we freeze anything.",
            "The distributions are skewed, so maybe we report medians as well.",
            "{person} helped with the data collection on the weekends, which saved us.",
            "There's one session where the timing file is corrupted. We can't use it.",
            "Every condition has roughly the same number of trials now.",
            "The questionnaire data is still in paper form for a few sessions.",
            "Should we pre-register the exploratory analysis, or just label it clearly?",
            "The effect size is moderate, but very consistent across conditions.",
            "I made a notebook that reproduces every number in the results section.",
        ],
        "methods": [
            "The mixed model converges now that we simplified the random effects.",
            "I'm not sure the reviewers will accept the way we handle outliers.",
            "We should report the analysis exactly as we planned it, even the boring parts.",
            "{name}, could you check the code for the second analysis? A fresh pair of eyes helps.",
            "The simulation suggests we have enough power for the main effect, not for the interaction.",
            "The seminar last week had a good talk on exactly this kind of model.",
            "I'd rather have a simple model we can explain than a clever one we can't.",
            "Let's put the full model tables in the supplement.",
            "Our coding scheme for the open answers needs a second rater.",
            "The stimuli are on the lab drive, in the folder with the date in the name.",
            "Can we make the analysis scripts public when we submit?",
            "I tried the Bayesian version too, and it tells the same story.",
        ],
        "money": [
            "The travel money for the summer school is already committed.",
            "The lab laptops are getting old; two of them barely run the stimulus software.",
            "The department wants the spending report by the end of the term.",
            "We still have the student assistant hours for this semester.",
            "{person} in the department office says the new purchasing system is slower.",
            "Printing posters for the conference comes out of a different budget, luckily.",
            "I'd keep a little reserve for surprises, like last year's broken monitor.",
        ],
        "wrap": ["Good session, thank you.", "Let's meet again same time next week."],
        "general": [
            "That's a good point, I hadn't thought of it that way.",
            "Let's write that down so we don't forget it.",
            "I'll put it in the shared document after the meeting.",
            "We discussed something similar last semester, I think.",
            "Honestly, we're in good shape compared to the last paper.",
            "I'm a bit worried about time, but it's doable.",
            "Can we make sure the lab calendar is up to date?",
        ],
    },
    things={
        "paper": ["the introduction", "the abstract", "the discussion section", "the figure layout",
                  "the limitations section", "the title", "the results section", "the supplement"],
        "data": ["the exclusion rule", "the new lab room", "the questionnaire data", "the timing file",
                 "the data pipeline", "the practice block", "the response time distribution"],
        "methods": ["the mixed model", "the power analysis", "the coding scheme", "the outlier rule", "the simulation",
                    "the second analysis", "the analysis notebook"],
        "money": ["the purchasing system", "the lab laptop situation", "the spending report",
                  "the student assistant budget", "the poster printing"],
        "general": ["the lab calendar", "the shared drive", "the lab meeting format", "the reading group"],
    },
    vocab={
        "person": ["Tobias", "Mina", "Gareth", "Irene", "Paolo"],
        "pct": ["five", "seven", "ten", "twelve"],
        "num": ["two", "three", "four"],
    },
    nevers=[
        Never("Which journal will the paper go to after the conference?", ["journal"], 0.7),
        Never("How much did the new eye tracker cost?", ["eye tracker", "cost"], 0.9),
        Never("Who is the external examiner for Lucia's thesis?", ["examiner", "thesis"], 0.98),
    ],
)

MEETINGS = [HIRING, RESEARCH]
