"""Test meeting of the quality set (report only, never tune on it): a school board committee, 45 minutes."""

from __future__ import annotations

from spec import TRAP, Ask, Block, Fact, Meeting, Never, Noise

# -- school board committee, 45 minutes -------------------------------------------------------------------

S = {
    "trip_cost": Fact(
        "trip_cost", "number", [["trip", "museum"], ["42"]], superseded=["35"],
        asks=[Ask("how_much", "How much will the museum trip cost per student?", [["42"]], ["35"])]),
    "start_time": Fact(
        "start_time", "decision", [["start*", "bell", "school day", "begin*"], ["8 15", "8.15"]],
        superseded=["8 30", "8.30"],
        asks=[Ask("what", "What was decided about the school start time?", [["8 15", "8.15"]], ["8 30", "8.30"]),
              Ask("why", "Why is the school start time not changing this year?", [["bus*", "route*"]])]),
    "survey": Fact(
        "survey", "action", [["survey*", "questionnaire"]], owner="Patrick", due=["october 10", "friday"],
        asks=[Ask("who", "Who is sending the survey to parents?", [["Patrick"]]),
              Ask("when", "When will the parent survey go out?", [["october 10", "friday"]], windows=("in",))]),
    "gala": Fact(
        "gala", "action", [["gala", "fundrais*"]], owner="Mei", wrong_owner=["Fatima"],
        asks=[Ask("who", "Who is organising the fundraising gala?", [["Mei"]], ["Fatima"])]),
    "playground": Fact(
        "playground", "number", [["playground", "play area"], ["18500"]],
        asks=[Ask("how_much", "How much is the quote for the playground repair?", [["18500"]])]),
    "science_fair": Fact(
        "science_fair", "date", [["science fair", "science night"], ["november 14"]],
        asks=[Ask("when", "When is the science fair?", [["november 14"]])]),
    "phones": Fact("phones", "open", [["phone*", "mobile*", "device*"]]),
    "bus": Fact(
        "bus", "action", [["bus*", "transport*"]], owner="George", wrong_owner=["Jenkins"],
        exclude=["start time", "8 15", "8 30"],
        asks=[Ask("who", "Who will talk to the bus company about the late pick-ups?", [["George"]], ["Jenkins"])]),
    "library": Fact(
        "library", "decision", [["library"], ["5", "thursday*", "later", "longer", "extend*"]],
        asks=[Ask("what", "What was decided about the library hours?", [["thursday*"]])]),
    "enrolment": Fact(
        "enrolment", "number", [["enrol*", "students", "pupils"], ["412"]],
        asks=[Ask("how_much", "How many students are enrolled this year?", [["412"]])]),
    "lunch_supplier": Fact("lunch_supplier", "open", [["lunch*", "cafeteria", "catering", "canteen"]]),
}

SCHOOL = Meeting(
    name="school_board", split="test", minutes=45, seed=2403,
    title="School board committee, autumn term",
    speakers=["Angela", "Patrick", "Fatima", "George", "Mei", "Rosa"], chair="Angela",
    reserved=["trip", "museum", "start time", "bell", "survey", "gala", "fundraising", "playground", "science fair",
              "November", "October", "phone", "phones", "bus", "buses", "Jenkins", "library", "enrolment", "enrolled",
              "lunch", "cafeteria", "catering", "412", "18,500", "42", "35", "allotment", "tomatoes"],
    blocks=[
        Block("opening", "", 0.5, lead="Angela", small_talk=1, scene_at=0.55, scene=[
            ("Rosa", "Before we start, the tomatoes from the school allotment are finally ripe. I brought a bag "
                     "for anyone who wants some.", Noise("tomatoes", [["tomato*", "allotment"]])),
            ("George", "Oh, I'll take some. Mine all got eaten by snails this year."),
            ("Angela", "Thank you, Rosa. Right, welcome, everyone. We have a full agenda: enrolment, the start "
                       "time, the museum trip, the playground, the gala, the science fair, and any other business."),
        ]),
        Block("enrolment", "enrolment", 1.0, lead="Patrick", scene_at=0.4, scene=[
            ("Patrick", "Enrolment first. We have four hundred and twelve students this year, up from last year.",
             S["enrolment"]),
            ("Angela", "That's good news. Do we have enough teachers for that?"),
            ("Patrick", "Just about, with the two new hires in the lower years."),
        ]),
        Block("start_time", "the school start time", 1.4, lead="Patrick", scene_at=0.45, scene=[
            ("Angela", "Next, the start time. Last term we agreed in principle to move the school day to eight "
                       "thirty.", TRAP),
            ("Patrick", "I have an update on that. The bus company says they can't change their routes before "
                        "January."),
            ("Fatima", "Then a later start would leave the children waiting outside for half an hour."),
            ("Angela", "Then we reverse it. The school day keeps starting at eight fifteen this year, because the "
                       "bus routes can't change, and we revisit it next year.", S["start_time"]),
            ("Mei", "The teachers will be relieved, honestly. Half of them had planned around eight fifteen."),
            ("Patrick", "Before the next term I'd like the parents' view on it. I'll send a survey to all parents "
                        "by Friday, October tenth.", S["survey"]),
        ]),
        Block("trip", "the museum trip", 1.2, lead="Mei", scene_at=0.4, small_talk=1, scene=[
            ("Mei", "For the year five museum trip, the cost per student was thirty-five dollars.", TRAP),
            ("George", "That was last year's coach price. The coach company sent the new quote on Monday."),
            ("Mei", "Right, with the new coach price it comes to forty-two dollars per student for the museum "
                    "trip.", S["trip_cost"]),
            ("Angela", "Forty-two. We'll cover it for the families who can't pay, as usual."),
        ]),
        Block("facilities", "the playground and the library", 1.4, lead="George", scene_at=0.45, scene=[
            ("George", "On the playground: the repair quote came in at eighteen thousand five hundred dollars for "
                       "the climbing frame and the surface.", S["playground"]),
            ("Angela", "That's within what we set aside. Let's ask for one more quote to compare, but it looks fine."),
            ("Rosa", "The library is another thing. Parents keep asking for longer opening hours."),
            ("Patrick", "We can staff it later one day a week."),
            ("Angela", "Okay, decided: the library stays open until five on Thursdays, starting next month.",
             S["library"]),
            ("Fatima", "And the late buses? My neighbours say the afternoon pick-up was forty minutes late twice "
                       "last week. Mr. Jenkins from the bus company apologised, but it keeps happening."),
            ("George", "I'll talk to the bus company about the late pick-ups myself. Mr. Jenkins drives the route, "
                       "but the contract is with his office, so I'll call them this week.", S["bus"]),
        ]),
        Block("gala", "the fundraising gala", 1.3, lead="Fatima", scene_at=0.4, scene=[
            ("Angela", "The fundraising gala. Fatima, you offered to organise it again?", TRAP),
            ("Fatima", "I did, but I've just started a new job and I really can't this year."),
            ("Mei", "I'll organise the gala. I did the spring fair, and most of the volunteers are the same people."),
            ("Angela", "Wonderful. So Mei organises the fundraising gala.", S["gala"]),
            ("Fatima", "I'll pass you all my notes from last year, Mei."),
        ]),
        Block("events", "the science fair", 1.1, lead="Mei", scene_at=0.4, scene=[
            ("Mei", "The science fair will be on November fourteenth, in the main hall, like last year.",
             S["science_fair"]),
            ("Angela", "Good. Please put it on the school calendar."),
        ]),
        Block("aob", "any other business", 1.2, lead="Angela", scene_at=0.35, small_talk=1, scene=[
            ("Fatima", "Any other business from me: the phone policy. Parents are split on whether phones should "
                       "be banned during the whole school day.", S["phones"]),
            ("Angela", "That's a big one. Let's keep it open and have a proper discussion next time."),
            ("Rosa", "And the lunch supplier. The contract ends in December. Do we stay or switch?",
             S["lunch_supplier"]),
            ("George", "I want to see the other offers first. Let's leave that open too."),
        ]),
        Block("wrap", "", 0.4, lead="Angela", scene_at=0.3, scene=[
            ("Angela", "Thank you all. Rosa will circulate the minutes as usual."),
        ]),
    ],
    pools={
        "opening": [
            "Has everyone signed the attendance sheet?",
            "The minutes from last time are on the table, if anyone wants a copy.",
            "We're in the art room today because the staff room is being painted.",
            "Apologies from the vice principal, she's at a training day.",
        ],
        "enrolment": [
            "The new families mostly came from the housing development by the river.",
            "Class sizes in the lower years are at the limit already.",
            "We had more applications for the reception class than places.",
            "{person} from the district office asked for the updated numbers.",
            "A few families moved away over the summer, but fewer than usual.",
            "The waiting list is longer than it's been in years.",
            "Our numbers affect the funding for next year, so they matter a lot.",
            "We'll need another classroom within two years if this continues.",
        ],
        "start_time": [
            "Parents with younger children really struggle with the early mornings.",
            "Research says later starts help teenagers more than young children.",
            "The breakfast club would need to change if the day moved.",
            "Some teachers have their own children at other schools, so timing matters to them.",
            "{person} said the school next door tried a later start and kept it.",
            "The crossing guard works fixed hours, which we'd need to check.",
            "After-school clubs would finish later too, which some families won't like.",
        ],
        "trip": [
            "The children loved the dinosaur hall last year.",
            "We need one adult for every eight children on the day.",
            "Permission slips always come back late, so let's send them early.",
            "The museum has a free education program we could use more.",
            "{person} volunteered to help with the packed lunches again.",
            "Some parents asked whether the trip could be in spring instead.",
            "The teachers prepare a worksheet, which makes the visit much more useful.",
        ],
        "facilities": [
            "The roof over the gym leaked again during the storm.",
            "The caretaker says the boiler is on its last legs.",
            "The new reading corner in year two is a big success.",
            "{person} from the parents' association offered to help paint the fences.",
            "The bike racks are full every morning now, which is nice to see.",
            "Some of the classroom windows don't open properly.",
            "The hall chairs are falling apart, and they're older than some of the parents.",
            "The garden club wants a water tap closer to the beds.",
        ],
        "gala": [
            "Last year's raffle raised more than the dinner itself.",
            "Local businesses were generous with prizes last time.",
            "The hall is free on the first two Saturdays of spring.",
            "{person} knows a band that might play for free.",
            "Tickets sold out quickly last year, so we could print more.",
            "We should thank the volunteers properly this time.",
            "The silent auction was a lot of work for what it brought in.",
        ],
        "events": [
            "The year six projects are usually the highlight.",
            "We need judges who aren't parents of the children taking part.",
            "The local university lent us equipment last time.",
            "{person} offered to run a workshop on electricity for the younger ones.",
            "Last year some of the projects were clearly done by parents.",
            "We could invite the local paper this time.",
        ],
        "aob": [
            "The lost property box is overflowing again.",
            "The newsletter goes out every other Friday now.",
            "Some parents asked about a homework club for the older years.",
            "{person} asked whether the choir could perform at the town fair.",
            "The website still lists last year's term dates.",
            "The parking at pick-up time is getting dangerous.",
        ],
        "wrap": ["Thank you, everyone, good meeting.", "See you all next month."],
        "general": [
            "I think the parents will appreciate that.",
            "We should explain that clearly in the newsletter.",
            "That's what the teachers have been saying too.",
            "Let's make sure the decision is fair to every family.",
            "I agree, as long as it doesn't add work for the teachers.",
            "We've been talking about this for a while.",
        ],
    },
    things={
        "enrolment": ["the waiting list", "the reception class", "the district report", "the admissions process",
                      "the class size limit"],
        "start_time": ["the breakfast club", "the crossing schedule", "the morning routine", "the after-school club",
                       "the drop-off area"],
        "trip": ["the permission slip process", "the volunteer rota", "the worksheet", "the education program",
                 "the packed lunch plan"],
        "facilities": ["the gym roof", "the boiler", "the reading corner", "the bike rack situation",
                       "the caretaker's list", "the school garden"],
        "gala": ["the raffle", "the silent auction", "the prize list", "the volunteer list", "the ticket sale"],
        "events": ["the judging", "the year six project", "the equipment loan", "the workshop plan"],
        "aob": ["the lost property box", "the newsletter", "the school website", "the homework club idea",
                "the parking at pick-up"],
        "general": ["the parents' association", "the school calendar", "the staff rota"],
    },
    vocab={"person": ["Mrs. Okafor", "Mr. Lindqvist", "Tamsin", "Dev", "Harriet"]},
    nevers=[
        Never("How much does the new school uniform cost?", ["uniform"], 0.5),
        Never("Who will replace the school nurse?", ["nurse"], 0.8),
        Never("When is the graduation ceremony?", ["graduation", "ceremony"], 0.97),
    ],
)

MEETINGS = [SCHOOL]
