"""A blind hand-written test meeting: a volunteer-run youth football league's committee before its spring season.

Written for the test split by a helper that read neither the notes engine nor the other test meetings (see
blind_brief.md), in the style of the hand-written dev meetings (written.py): fillers, false starts, owners
visible only from who answers, decisions said in passing, numbers and dates mostly in words. Its traps:
- a number corrected: the players registered (last spring's count read out first, then this spring's);
- a decision reversed: the season's fee goes up, then stays where it was once a grant comes in;
- a date moved: the opening Saturday of the season, lost to waterlogged pitches;
- an owner reassigned: booking the referees goes to one person, then to another (the first is away);
- a person mentioned but not responsible: the county officer who processes the coaches' checks;
- two matters left explicitly open (parking for the tournament, a second team without a coach);
- small talk and side remarks (noise rows).
Fact rows: (id, section, line piece, keywords, owner, due, superseded, wrong_owner, exclude); question rows:
(id, kind, fact line piece, asked after the line with this piece, question, answers, wrong).
"""

from __future__ import annotations

from written import Written

# Line pieces, named once: each names exactly one line of youth_league.txt.
PLAYERS = "This spring it's two hundred and twelve players registered"
GROWTH = "It's the new estate, mostly."
WATERLOGGED = "The top two pitches at the rec are still waterlogged"
OPENING = "The season starts Saturday the fifth of April instead"
PITCH_HIRE = "comes to one thousand eight hundred and fifty"
COUNCIL_WIDE = "Gareth said it's a council-wide thing"
FUN_RUN = "using it for the fun run in April"
UNDER_SEVENS = "The under-sevens play on the St Anne's school field"
REF_FEE = "It's thirty pounds a game now for the older age groups"
COURSE = "I'm on that course, the groundsman one"
REFS = "I'll book the refs for the first three weekends by Friday"
EXPIRED = "six of them have got DBS checks"
CHECKS = "I want them with Helen by the twentieth of March"
NO_CHECK = "No valid check, no coaching, full stop"
HARDSHIP = "any family who asks gets the fee waived"
REMINDERS = "I'll send out the payment links and the reminder emails on Sunday evening"
GRANT_REASON = "with the eight hundred in, we don't need to go up to seventy"
FEE = "Forget the seventy, the fee stays at sixty-five"
KIT_COST = "for the whole lot it comes to eight hundred and ten pounds"
KIT_ORDER = "I'll put the order in with Sportsworld on Monday"
TOURNAMENT = "nobody's got anything on Sunday the eighteenth of May"
CUP_FINAL = "the Saturday's the cup final"
ENTRY = "Forty a team entry, then"
CAR_PARK = "We still don't know if we can use the school car park"
SECOND_TEAM = "Whether there's a second under-twelves team depends on finding a coach"

YOUTH_LEAGUE = Written(
    name="youth_league", split="test", minutes=25,
    title="Youth football league committee: spring season (pitches, referees, checks, fees, kit, tournament)",
    speakers=["Carol", "Dev", "Marcus", "Siobhan", "Tony", "Priya"], transcript="bench/data/quality/youth_league.txt",
    facts=[
        # Corrected on the spot: 180 was last spring's figure.
        ("players", "number", PLAYERS,
         [["player*", "kids", "children", "registered", "registration*", "signed up"], ["212"]],
         None, None, ["180"], [], []),
        # Moved: the opening Saturday was March 29 until the pitches needed rest.
        ("opening_day", "date", OPENING,
         [["season", "start*", "first game*", "opening", "kick off", "begin*"], ["april 5"]],
         None, None, ["march 29"], [], []),
        ("pitch_hire", "number", PITCH_HIRE,
         [["hire", "pitch*", "council", "rec"], ["1850"]], None, None, [], [], []),
        ("under_sevens", "decision", UNDER_SEVENS,
         [["under sevens", "under 7*", "u7*", "sevens"], ["st anne*", "school"]], None, None, [], [], []),
        ("ref_fee", "number", REF_FEE,
         [["ref*", "game*", "match*"], ["30"]], None, None, [], [], []),
        # Reassigned: Marcus said yes, then remembered his course.
        ("refs_booking", "action", REFS, [["ref*"], ["book*"]], "Priya", ["friday"], [], ["Marcus"], []),
        # Helen at the county FA processes the checks; Siobhan chases them.
        ("coach_checks", "action", CHECKS,
         [["dbs", "check*", "forms", "paperwork"], ["chase*", "6", "coach*"]],
         "Siobhan", ["march 20", "20"], [], ["Helen"], []),
        ("no_check_rule", "decision", NO_CHECK,
         [["check*", "dbs"], ["coach*", "touchline"]], None, None, [], [], []),
        ("hardship", "decision", HARDSHIP,
         [["waive*", "free", "hardship", "no charge"], ["fee*", "famil*", "pay*"]], None, None, [], [], []),
        ("fee_reminders", "action", REMINDERS,
         [["payment*", "pay", "remind*"], ["link*", "email*", "remind*"]], "Dev", ["sunday"], [], [], []),
        # Reversed: "go on then, seventy", then the grant came in.
        ("reg_fee", "decision", FEE,
         [["fee*", "subs", "registration*", "season"], ["65"]], None, None, ["70"], [], []),
        ("kit_cost", "number", KIT_COST,
         [["kit*", "shirts", "sets", "strip*", "sportsworld", "order*"], ["810"]], None, None, [], [], []),
        ("kit_order", "action", KIT_ORDER,
         [["order*"], ["kit*", "sportsworld", "shirts", "strip*", "sets"]], "Tony", ["monday"], [], [], []),
        ("tournament_date", "date", TOURNAMENT, [["tournament"], ["may 18"]], None, None, [], [], []),
        ("entry_fee", "number", ENTRY, [["entry", "enter*", "team"], ["40"]], None, None, [], [], []),
        ("car_park_open", "open", CAR_PARK, [["car park", "parking"]], None, None, [], [], []),
        ("second_team_open", "open", SECOND_TEAM,
         [["second", "another"], ["under 12*", "u12*", "under twelves", "twelves", "coach*"]],
         None, None, [], [], []),
    ],
    questions=[
        # In the window (40-300 words after the fact).
        ("players.how_much.in", "how_much", PLAYERS, "if we're paying the council what they're asking",
         "How many players have registered for the spring?", [["212"]], ["180"]),
        ("opening.when.in", "when", OPENING, "Did Gareth say anything about the changing rooms",
         "When's the first Saturday of games now?", [["april 5"]], ["march 29"]),
        ("pitch_hire.how_much.in", "how_much", PITCH_HIRE, "And the little ones? Where are they this spring?",
         "How much is the council charging for the pitches this season?", [["1850"]], ["1500"]),
        ("pitch_hire.why.in", "why", COUNCIL_WIDE, "St Anne's said we could have their school field",
         "Why didn't Marcus argue with the council about the price?",
         [["council wide", "every club", "same letter", "does not set", "not set"]], []),
        ("under_sevens.what.in", "what", UNDER_SEVENS, "Referees. Priya, this is yours really",
         "Where are the under-sevens going to play on Saturday mornings?", [["st anne*", "school"]], []),
        ("ref_fee.how_much.in", "how_much", REF_FEE, "So two thousand four hundred for the season",
         "What does a referee cost per game now for the older teams?", [["30"]], ["25"]),
        ("refs.who.in", "who", REFS, "Siobhan, checks. This is the one I actually worry about",
         "Who's booking the refs now?", [["Priya"]], ["Marcus"]),
        ("refs.why.in", "why", COURSE, "I'll send you the fixture list tonight so you've got",
         "Why can't Marcus do the referee bookings after all?", [["course"]], []),
        ("expired.how_much.in", "how_much", EXPIRED, "That makes sense, actually.",
         "How many coaches have DBS checks that have run out?", [["6"]], ["23"]),
        ("checks.who.in", "who", CHECKS, "I'd agree with that. A hundred percent.",
         "Who's chasing up the coaches with expired checks?", [["Siobhan"]], ["Helen"]),
        ("checks.when.in", "when", CHECKS, "As a parent he can stand with the other parents",
         "By when do the renewed check forms have to reach Helen?", [["march 20", "20"]], []),
        ("no_check.what.in", "what", NO_CHECK, "Back to money, then. Dev.",
         "What did they decide about coaches whose checks aren't back in time?",
         [["no", "not", "without", "cannot"], ["coach*", "touchline"]], []),
        ("hardship.what.in", "what", HARDSHIP, "Is that the same link as last time?",
         "What did they agree for families who can't afford the fees?", [["waive*", "free", "no charge"]], []),
        ("reminders.when.in", "when", REMINDERS, "Kit. Tony, you're up.",
         "When are the payment reminders going out?", [["sunday"]], []),
        ("fee.what.in", "what", FEE, "It's shirts, shorts and socks",
         "So what's the registration fee going to be this spring?", [["65"]], ["70"]),
        ("fee.why.in", "why", GRANT_REASON, "Funny, that's almost exactly the grant",
         "Why aren't they putting the fee up to seventy any more?", [["grant", "800", "community fund"]], []),
        ("kit_cost.how_much.in", "how_much", KIT_COST, "And the sizes? Last year half",
         "How much will the new kit from Sportsworld cost?", [["810"]], ["800"]),
        ("kit_order.who.in", "who", KIT_ORDER, "sky blue and navy",
         "Who's putting the kit order in?", [["Tony"]], []),
        ("kit_order.when.in", "when", KIT_ORDER, "Twenty new balls and a couple of sets of bibs",
         "When is the kit order being placed?", [["monday"]], []),
        ("tournament.when.in", "when", TOURNAMENT, "And what are we charging the other clubs?",
         "When's the tournament going to be?", [["may 18"]], []),
        ("tournament.why.in", "why", CUP_FINAL, "I was thinking forty pounds a team entry",
         "Why isn't the tournament on the Saturday?", [["cup final"]], []),
        ("entry.how_much.in", "how_much", ENTRY, "I'll bring the lost property box",
         "How much does a team pay to enter the tournament?", [["40"]], ["50"]),
        ("car_park.what.in", "what", CAR_PARK, "That's sort of the whole point of a church",
         "What's still unresolved about parking for the tournament?", [["car park", "parking"]], []),
        ("car_park.why.in", "why", CAR_PARK, "Let's not invent a bus service tonight",
         "Why can't the school confirm the car park yet?", [["governors"]], []),
        ("second_team.what.in", "what", SECOND_TEAM, "I think that's everything, isn't it?",
         "Is there going to be a second under-twelves team?", [["coach*"]], []),
        # Evicted (1600+ words after the fact): said early, asked late.
        ("players.how_much.evicted", "how_much", PLAYERS, "my dog's just heard the postman",
         "How many kids are registered to play this spring?", [["212"]], ["180"]),
        ("growth.why.evicted", "why", GROWTH, "I was going to say the first Thursday in April",
         "Why are registrations so much higher this year?", [["estate"]], []),
        ("opening.when.evicted", "when", OPENING, "Where, the rec?",
         "When does the spring season kick off?", [["april 5"]], ["march 29"]),
        ("opening.why.evicted", "why", WATERLOGGED, "I'll be there all day then, for welfare",
         "Why was the start of the season put back?", [["waterlog*", "roller", "seed*", "wet"]], []),
        ("pitch_hire.how_much.evicted", "how_much", PITCH_HIRE, "Marcus, keep chasing the head",
         "What's the council charging for pitch hire this season?", [["1850"]], ["1500"]),
        ("under_sevens.what.evicted", "what", UNDER_SEVENS, "It leaks a bit, but it works",
         "Where did they decide the under-sevens will play?", [["st anne*", "school"]], []),
        ("ref_fee.how_much.evicted", "how_much", REF_FEE, "I'll do one for the first Tuesday in April",
         "How much is the ref fee per game for the under-elevens and up?", [["30"]], ["25"]),
        ("refs.who.evicted", "who", REFS, "Let's not invent a bus service tonight",
         "Who's booking the referees for the first three weekends?", [["Priya"]], ["Marcus"]),
        ("refs.when.evicted", "when", REFS, "Next year's pitches, probably, at this rate",
         "By when will the referees be booked?", [["friday"]], []),
        ("checks.who.evicted", "who", CHECKS, "it's a tricky one. The second under-twelves team",
         "Who is chasing the coaches whose DBS checks have lapsed?", [["Siobhan"]], ["Helen"]),
        ("checks.when.evicted", "when", CHECKS, "I'm not deciding that tonight",
         "When do the DBS forms need to be with the county FA?", [["march 20", "20"]], []),
        ("no_check.what.evicted", "what", NO_CHECK, "I'd do it if I wasn't doing the pitches",
         "What's the rule for a coach whose DBS check has run out?",
         [["no", "not", "without", "cannot"], ["coach*", "touchline"]], []),
        ("hardship.what.evicted", "what", HARDSHIP, "I think that's everything, isn't it?",
         "What happens if a family can't afford the registration fee?", [["waive*", "free", "no charge"]], []),
        ("hardship.who.evicted", "who", HARDSHIP, "I've got the van that week",
         "Who do families go through if they need help with the fees?", [["Siobhan"]], []),
        ("reminders.when.evicted", "when", REMINDERS, "Drop it through the door on Sunday",
         "When is Dev sending out the payment reminders?", [["sunday"]], []),
        ("reminders.who.evicted", "who", REMINDERS, "writing it on the fridge calendar",
         "Who's sending the payment links to the families?", [["Dev"]], []),
    ],
    nevers=[
        ("Who's sponsoring the new kit this season?",
         ["sponsor", "sponsors", "sponsored", "sponsoring", "sponsorship"]),
        ("When is the end-of-season presentation evening?", ["presentation", "awards", "award"]),
        ("Who's providing first aid cover at the tournament?",
         ["first aid", "first aider", "first aiders", "medic", "medics", "paramedic", "paramedics"]),
        ("Has the league bought a defibrillator for the rec?", ["defibrillator", "defib", "aed"]),
        ("How much do the floodlights cost for Tuesday training?", ["floodlight", "floodlights"]),
        ("Which burger van is booked for the tournament day?", ["burger", "burgers", "food van", "hot dog", "hot dogs"]),
        ("Are they starting a girls' team this year?", ["girls", "girl", "women", "female"]),
        ("How many pairs of goalkeeper gloves are in the kit order?",
         ["goalkeeper", "goalkeepers", "gloves", "keeper", "keepers"]),
        ("What does the league pay for its insurance this year?", ["insurance", "insured", "insure"]),
    ],
    noise=[
        ("artex", "It's artex. Don't.", [["artex"]]),
        ("frog", "There was a frog in one.", [["frog"]]),
        ("bins", "did anybody else's bins not get collected today", [["bins"]]),
        ("vape", "The one on the high street? That's a vape shop now.", [["vape"]]),
        ("dog", "my dog's just heard the postman", [["postman", "bailey"]]),
        ("snow", "They're saying snow", [["snow"]]),
    ],
)  # fmt: skip

MEETINGS = [YOUTH_LEAGUE]
