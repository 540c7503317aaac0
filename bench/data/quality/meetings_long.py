"""The two-hour test meeting: a quarterly product planning session. Its traps are far apart on purpose:
a price quoted early is corrected an hour later, a launch decided in the first half hour is reversed in
the second hour, a task changes hands after a break."""

from __future__ import annotations

from spec import TRAP, Ask, Block, Fact, Meeting, Never, Noise

P = {
    "nps": Fact(
        "nps", "number", [["nps", "net promoter", "promoter score"], ["41"]],
        asks=[Ask("how_much", "What is the current NPS?", [["41"]])]),
    "mobile": Fact(
        "mobile", "decision", [["mobile"], ["q4", "4 quarter", "october"]], superseded=["july"],
        asks=[Ask("when", "When will the mobile app launch?", [["q4", "4 quarter", "october"]], ["july"]),
              Ask("why", "Why was the mobile launch moved?", [["integration*", "salesforce", "hubspot", "renewal*"]],
                  windows=("in",))]),
    "integrations": Fact(
        "integrations", "decision", [["integration*", "salesforce", "hubspot"], ["first", "priorit*", "next", "before"]],
        asks=[Ask("what", "Which integrations come first?", [["salesforce"], ["hubspot"]])]),
    "pro_price": Fact(
        "pro_price", "number", [["pro"], ["32"]], superseded=["29"],
        asks=[Ask("how_much", "What does the Pro plan cost per seat per month?", [["32"]], ["29"])]),
    "pricing_page": Fact(
        "pricing_page", "action", [["pricing page", "price page", "pricing site"]], owner="Theo", due=["june 6"],
        asks=[Ask("who", "Who is redesigning the pricing page?", [["Theo"]]),
              Ask("when", "When is the new pricing page due?", [["june 6"]], windows=("evicted",))]),
    "free_tier": Fact("free_tier", "open", [["free tier", "free plan", "free version"]]),
    "hires": Fact(
        "hires", "number", [["engineer*", "hire*", "hiring", "headcount"], ["5"]],
        asks=[Ask("how_much", "How many engineers can be hired this half?", [["5"]])]),
    "churn": Fact(
        "churn", "action", [["churn"]], owner="Bianca", wrong_owner=["Kenji"],
        asks=[Ask("who", "Who is doing the churn analysis?", [["Bianca"]], ["Kenji"])]),
    "cloud": Fact(
        "cloud", "number", [["cloud", "infrastructure", "hosting"], ["78000"]], superseded=["84000"],
        asks=[Ask("how_much", "How much is the monthly cloud bill?", [["78000"]], ["84000"])]),
    "soc2": Fact(
        "soc2", "action", [["soc 2", "soc2", "audit*", "compliance", "evidence"]], owner="Samir", wrong_owner=["Greta"],
        asks=[Ask("who", "Who owns the SOC 2 evidence collection?", [["Samir"]], ["Greta"])]),
    "weekend_support": Fact("weekend_support", "open", [["weekend"]]),
    "launch_email": Fact(
        "launch_email", "action", [["email", "announcement", "announce*"]], owner="Hannah", due=["july 1"],
        asks=[Ask("who", "Who is writing the launch email for the integrations?", [["Hannah"]])]),
    "offsite": Fact(
        "offsite", "date", [["offsite", "off site", "retreat"], ["september 18"]],
        asks=[Ask("when", "When is the team offsite?", [["september 18"]]),
              Ask("what", "Where will the offsite be held?", [["porto"]], windows=("in",))]),
    "code_freeze": Fact(
        "code_freeze", "date", [["freeze"], ["june 20"]],
        asks=[Ask("when", "When is the code freeze?", [["june 20"]])]),
    "okr": Fact(
        "okr", "action", [["okr*", "objectives", "goals"]], owner="Olivia", due=["friday"],
        asks=[Ask("who", "Who will send the OKR draft?", [["Olivia"]], windows=("in",))]),
}

PLANNING = Meeting(
    name="quarterly_planning", split="test", minutes=120, seed=2404,
    title="Quarterly product planning",
    speakers=["Olivia", "Samir", "Hannah", "Theo", "Bianca", "Kenji"], chair="Olivia",
    reserved=["NPS", "promoter", "mobile", "July", "integration", "integrations", "Salesforce", "HubSpot", "Pro",
              "pricing page", "free tier", "free plan", "churn", "cloud bill", "SOC", "audit", "Greta", "weekend",
              "launch email", "offsite", "Porto", "freeze", "June", "September", "OKR", "OKRs", "kayak", "29", "32",
              "41", "84,000", "78,000", "84000", "78000"],
    blocks=[
        Block("opening", "", 0.4, lead="Olivia", small_talk=1, scene_at=0.6, scene=[
            ("Olivia", "Okay, good morning, everyone. It's a long one today: metrics, the roadmap, pricing, hiring, "
                       "infrastructure, a break, then customers, the launch plan, the team, and our goals. Let's go."),
        ]),
        Block("metrics", "the metrics review", 1.2, lead="Kenji", scene_at=0.5, scene=[
            ("Kenji", "The headline number first: our NPS went up to forty-one this quarter, from thirty-four.",
             P["nps"]),
            ("Bianca", "That matches what I hear on calls. People are noticeably happier since the search fix."),
            ("Olivia", "Great. Kenji, is that across all plans?"),
            ("Kenji", "All paying plans, yes. The trial users we don't survey."),
        ]),
        Block("roadmap", "the roadmap", 1.6, lead="Olivia", scene_at=0.5, scene=[
            ("Olivia", "On the roadmap, the big item is the mobile app. My plan is to launch it in July.", TRAP),
            ("Theo", "Design is mostly done for the first version, so July is possible from our side."),
            ("Samir", "July is tight for engineering, but let's assume it for now and see how the rest of the "
                      "plan fits."),
            ("Olivia", "Okay, we go with July as the working plan for the mobile launch, and we come back to it "
                       "once we've seen everything else."),
        ]),
        Block("pricing", "pricing", 1.5, lead="Hannah", scene_at=0.45, scene=[
            ("Hannah", "Pricing. The new Pro plan is twenty-nine dollars per seat per month, which is what we "
                       "tested with the pilot accounts.", TRAP),
            ("Theo", "Then the pricing page needs a complete redesign, the current one doesn't even show the "
                     "Pro plan properly."),
            ("Olivia", "Theo, can you take that?"),
            ("Theo", "Yes, I'll redesign the pricing page and have it ready by June sixth.", P["pricing_page"]),
            ("Bianca", "And the free tier? Do we keep it once the Pro plan exists? Customers ask me every week.",
             P["free_tier"]),
            ("Olivia", "I honestly don't know yet. Let's leave the free tier question open until we have the "
                       "conversion numbers."),
        ]),
        Block("hiring", "hiring", 1.2, lead="Samir", scene_at=0.5, scene=[
            ("Samir", "On hiring: finance confirmed we can hire five engineers this half, all for the product "
                      "teams.", P["hires"]),
            ("Olivia", "Five is better than I feared. Kenji, while we're on people: could you do a churn "
                       "analysis on the accounts we lost last quarter?", TRAP),
            ("Kenji", "Sure, I'll try to fit it in."),
        ]),
        Block("infrastructure", "infrastructure", 1.4, lead="Samir", scene_at=0.5, scene=[
            ("Samir", "The cloud bill is at eighty-four thousand a month.", TRAP),
            ("Kenji", "Is that the current one? I think eighty-four was the peak in the spring."),
            ("Samir", "You're right, sorry, that was the old report. The current monthly cloud bill is seventy-eight "
                      "thousand.", P["cloud"]),
            ("Olivia", "And the SOC 2 audit is coming up. Who owns the evidence collection?"),
            ("Samir", "I own the SOC 2 evidence collection. Greta from legal will review the policies, but the "
                      "evidence is on me.", P["soc2"]),
        ]),
        Block("break", "", 0.35, lead="Olivia", small_talk=2, scene_at=0.5, scene=[
            ("Olivia", "Let's take a ten-minute break. Get coffee, stretch your legs."),
            ("Theo", "Speaking of stretching, I'm doing a kayak trip down the river this weekend. Anyone want to "
                     "join?", Noise("kayak", [["kayak*"]])),
            ("Hannah", "In this weather? You're braver than me."),
            ("Olivia", "Okay, we're back. Let's continue."),
        ]),
        Block("customers", "customer feedback", 1.5, lead="Bianca", scene_at=0.45, scene=[
            ("Bianca", "About the churn analysis: Kenji told me he's on leave for most of next month."),
            ("Kenji", "That's true, I'll be away for four weeks from Monday. I won't be able to do the churn "
                      "analysis."),
            ("Bianca", "Then I'll take the churn analysis. I talk to those customers anyway.", P["churn"]),
            ("Olivia", "Thanks, Bianca. That makes sense."),
            ("Bianca", "One open question from support: do we offer weekend support hours for the bigger plans? "
                       "Nobody has decided.", P["weekend_support"]),
            ("Olivia", "It stays open. I need the cost first."),
            ("Hannah", "Coming back to pricing, I have to correct myself. The Pro plan is thirty-two dollars per "
                       "seat per month, not twenty-nine. The twenty-nine was the pilot discount.", P["pro_price"]),
            ("Olivia", "Thirty-two, okay. Theo, please use that on the new page."),
        ]),
        Block("launch", "the launch plan", 1.5, lead="Hannah", scene_at=0.45, scene=[
            ("Hannah", "For the launch plan, sales keeps hearing one thing: the big renewals depend on the Salesforce "
                       "and HubSpot integrations."),
            ("Samir", "And we can't build both integrations and ship mobile in July with the people we have."),
            ("Olivia", "Then let's revisit what we said this morning. The integrations come first: Salesforce and "
                       "HubSpot are next.", P["integrations"]),
            ("Olivia", "So the mobile launch moves out of July. We push the mobile app to Q4, because the renewals "
                       "depend on the integrations.", P["mobile"]),
            ("Theo", "Fine by design. It gives us time for a proper beta."),
            ("Hannah", "I'll write the launch email for the integrations by July first.", P["launch_email"]),
        ]),
        Block("team", "the team and the calendar", 1.1, lead="Olivia", scene_at=0.5, scene=[
            ("Olivia", "Two dates for your calendars. The code freeze before the summer release is June twentieth.",
             P["code_freeze"]),
            ("Olivia", "And the team offsite will be on September eighteenth, in Porto this year.", P["offsite"]),
            ("Hannah", "Porto! Great choice."),
        ]),
        Block("goals", "our goals for next quarter", 0.9, lead="Olivia", scene_at=0.6, scene=[
            ("Olivia", "Last thing. I'll turn today's discussion into a draft of the OKRs and send it to all of you "
                       "by Friday.", P["okr"]),
            ("Samir", "Thanks. Keep it to three objectives, please."),
            ("Olivia", "Okay, I think that's everything. Thanks, everyone, long but good."),
        ]),
    ],
    pools={
        "opening": [
            "Is everyone dialed in? I see five faces and one black square.",
            "I've put the agenda in the chat, with rough times for each part.",
            "Let's try to keep each topic to its slot, or we'll be here all afternoon.",
            "Could someone keep an eye on the time for me?",
            "There are snacks in the kitchen, for the brave.",
        ],
        "metrics": [
            "Weekly active users grew a little every week this quarter.",
            "The activation rate for new sign-ups is still our weakest number.",
            "Time to first value went down after the onboarding change.",
            "Support tickets per customer dropped, which is a nice side effect.",
            "The dashboard for the leadership team now updates every morning.",
            "{person} rebuilt the retention chart, and it's much easier to read now.",
            "Usage in the evenings went up, which I didn't expect.",
            "Enterprise accounts use search three times as much as small teams.",
            "We finally have clean data for the trial funnel.",
            "The export feature is used by almost a third of accounts.",
            "Page load times are better, but the reporting pages are still slow.",
            "The survey response rate was higher than last quarter.",
            "We should stop tracking a few of these numbers; nobody looks at them.",
            "Sign-ups from the partner program doubled, from a small base.",
        ],
        "roadmap": [
            "The reporting redesign keeps slipping, and customers notice.",
            "We promised bulk editing to a few big accounts last year.",
            "The permissions rework is the least exciting and the most important item.",
            "I'd like one quarter where we pay down old problems instead of adding features.",
            "The template gallery was cheap to build and people love it.",
            "{person} has a prototype of the new dashboard builder that looks promising.",
            "The accessibility work has to be on the plan, not a side project.",
            "Dark mode comes up in every feedback round, whether we like it or not.",
            "We keep underestimating the work around data imports.",
            "The notification center needs a rethink; people turn everything off.",
            "Let's be realistic about how much a team can ship in one quarter.",
            "The public API needs better documentation before it needs new endpoints.",
            "Offline support was a big request from field teams.",
        ],
        "pricing": [
            "Most of our customers never change the plan they signed up with.",
            "Annual billing has gone up since we offered the discount.",
            "Competitors moved to usage-based pricing, with mixed results.",
            "Seat-based pricing is easy to explain, which matters for sales.",
            "{person} from finance wants any new plan modelled before we announce it.",
            "The enterprise deals are almost all custom anyway.",
            "We should grandfather existing customers for at least a year.",
            "Discounts have crept up in the last two quarters.",
            "Some customers asked for a smaller plan for teams of two or three.",
            "Price changes always generate tickets, so support needs to be ready.",
            "The add-ons are confusing; half the customers don't know what they have.",
            "I'd like one page that explains every plan without small print.",
        ],
        "hiring": [
            "The backend roles are the hardest to fill right now.",
            "Referrals have been our best source of good candidates.",
            "{person} from recruiting says offers are being accepted faster than last year.",
            "Onboarding takes about six weeks before someone is fully productive.",
            "We should hire one more designer before the year ends.",
            "Interview loops are taking too much of the senior engineers' time.",
            "The new graduate program worked well last year.",
            "Remote hiring has widened the pool a lot.",
            "We need a second engineering manager once the teams grow.",
            "Let's not hire faster than we can onboard.",
            "The team in the other office wants more autonomy in hiring.",
        ],
        "infrastructure": [
            "Storage costs are growing faster than usage.",
            "The database upgrade went smoothly, no downtime at all.",
            "{person} set up budgets and alerts per team, which already helped.",
            "We still run a few services that nobody really owns.",
            "The staging environment costs almost as much as production.",
            "Reserved instances would save money if we commit for a year.",
            "The logging bill is the line that surprised me most.",
            "Our on-call load dropped since we fixed the noisy alerts.",
            "The build pipeline takes twenty minutes, which slows everyone down.",
            "We should delete the old test environments; they just sit there.",
            "Security reviews are taking longer as we grow.",
            "The content delivery costs went down after the image changes.",
        ],
        "break": [
            "Is there still coffee in the kitchen?",
            "I need to stretch, my back is not happy with these chairs.",
            "Does anyone know if the big room is free after lunch?",
            "Two minutes, I just need to answer one message.",
        ],
        "customers": [
            "The biggest complaint this quarter was about slow reports.",
            "Customers love the new search, that came up on almost every call.",
            "Two large accounts asked for single sign-on with their own provider.",
            "{person} on my team ran a round of interviews with admins, and the notes are great.",
            "People want more control over notifications.",
            "A few customers are still confused by the new navigation.",
            "The mid-size accounts are the happiest group by far.",
            "Renewal conversations are easier when we show the usage report.",
            "The onboarding calls are booked out three weeks ahead.",
            "Customers keep asking for a roadmap they can see.",
            "Some admins want an audit trail for permission changes.",
            "Response times in support are better than ever.",
            "The knowledge base articles are getting more views than tickets now.",
        ],
        "launch": [
            "Launch timing matters less to customers than we think.",
            "We need the help articles ready on launch day, not a week later.",
            "The sales team wants a short demo video for every big feature.",
            "{person} in marketing asked for two weeks of notice before any launch.",
            "Beta programs work best with ten or fifteen engaged customers.",
            "We should announce less and ship more.",
            "Partners want early access so they can prepare their own material.",
            "Release notes should be written for humans, not engineers.",
            "The webinar after the last launch had good attendance.",
            "A staged rollout would have saved us trouble last time.",
            "Every launch should have one clear owner, end to end.",
        ],
        "team": [
            "People really liked having a no-meeting day each week.",
            "The engagement survey was positive overall, with a few clear complaints.",
            "{person} is organising a lunch-and-learn series, which is great.",
            "We should celebrate launches more; we just move on to the next thing.",
            "The new joiners asked for a clearer picture of who does what.",
            "Two people asked about a transfer between teams.",
            "The office is busiest on Tuesdays and Thursdays now.",
            "Learning budgets were barely used this year.",
        ],
        "goals": [
            "Goals work best when each team can see how it contributes.",
            "Last quarter we had too many goals and finished too few.",
            "I'd like every goal to have one number that tells us if we hit it.",
            "{person} suggested reviewing goals monthly instead of quarterly.",
        ],
        "general": [
            "That's a good point, let's write it down.",
            "I think we agree more than it sounds.",
            "Let's not solve that in this meeting.",
            "I'd want to see the data before deciding.",
            "Honestly, we've talked about this for three quarters now.",
            "That's fair, and it's consistent with what customers say.",
            "I'm a bit worried about the timing, but okay.",
            "We can take that offline.",
            "Let's make sure the notes capture that.",
            "Good, that's clearer than last time.",
        ],
    },
    things={
        "metrics": ["the activation rate", "the retention chart", "the trial funnel", "the leadership dashboard",
                    "the weekly active user count", "the export feature", "the survey response rate"],
        "roadmap": ["the reporting redesign", "bulk editing", "the permissions rework", "the template gallery",
                    "the dashboard builder", "the accessibility work", "the notification center", "the public API",
                    "offline support"],
        "pricing": ["annual billing", "seat-based pricing", "the discount policy", "the add-on lineup",
                    "the enterprise deal process", "the plan comparison"],
        "hiring": ["the interview loop", "the graduate program", "the referral program", "onboarding",
                   "the recruiting pipeline", "the engineering manager search"],
        "infrastructure": ["the storage bill", "the staging environment", "the logging bill", "the build pipeline",
                           "the on-call load", "the database upgrade", "the security review queue"],
        "break": [],
        "customers": ["single sign-on", "the new navigation", "the usage report", "the onboarding call schedule",
                      "the knowledge base", "the audit trail request", "support response time"],
        "launch": ["the beta program", "the release notes", "the demo video plan", "the staged rollout",
                   "the partner early access", "the help center"],
        "team": ["the no-meeting day", "the engagement survey", "the lunch-and-learn series",
                 "the learning budget", "the team structure"],
        "goals": ["the goal review", "the quarterly planning process", "the team scorecard"],
        "general": ["the planning process", "the roadmap document", "cross-team communication",
                    "the product review meeting"],
    },
    vocab={"person": ["Marta", "Yusuf", "Claudia", "Arjun", "Elise", "Rory"]},
    nevers=[
        Never("Which company are we planning to acquire?", ["acquire", "acquisition", "acquiring"], 0.3),
        Never("What is the address of the new Berlin office?", ["berlin", "address"], 0.55),
        Never("How big is the bonus pool this year?", ["bonus"], 0.8),
        Never("Who is the new CFO?", ["cfo", "chief financial officer"], 0.98),
    ],
)

MEETINGS = [PLANNING]
