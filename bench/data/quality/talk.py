"""Talk every meeting has, whatever its topic: reactions, hand-overs, openers, small talk and digressions.

Used by make_quality.py between the scripted scenes of each meeting. Slots: {name} another person in
the room, {chair} the chair, {title} the agenda item. Small-talk exchanges are lists of (role, text),
roles A/B/C being three different people; each is used at most once per meeting.
"""

from __future__ import annotations

REACTIONS = [
    "Yeah, that makes sense.", "Agreed.", "Fair point.", "Right, okay.", "Mm-hm.", "Good, thanks.",
    "Yeah, I'm with you on that.", "Okay, noted.", "That's fair.", "Sure.", "Totally.", "Yes, exactly.",
    "Hmm, I'm not so sure about that, but go on.", "I had the same feeling, to be honest.",
    "Okay, that's good to hear.", "Interesting. I didn't know that.", "Right, that matches what I've seen.",
    "Sorry, can you repeat the last part? You cut out for a second.", "Makes sense to me.",
    "Okay. Let's keep an eye on it.", "Yeah, that one keeps coming back.", "Good point, actually.",
    "I don't disagree, I just think it's a bit early to say.", "Sounds reasonable.", "Fine by me.",
    "Oh, that's a relief.", "Hmm. That's less than I hoped, but okay.", "Ha, yes, I remember that.",
    "That's what worries me too.", "Right. Thanks for flagging it.", "Yep.", "Okay, got it.",
    "I think we're saying the same thing, really.", "Let's not go down that path again.",
    "No objection from me.", "Yeah, I'd second that.", "Honestly, that's better than I expected.",
    "True, although it depends a bit on timing.", "Okay, fair enough.", "Absolutely.",
    "I'm fine either way.", "That's a good way to put it.", "Yeah, no, that's right.",
]  # fmt: skip

FOLLOWUPS = [
    "{name}, what do you think?", "{name}, anything to add on that?", "Sorry, {name}, I cut you off. Go ahead.",
    "{name}, you looked like you wanted to say something.", "Can you say a bit more about that, {name}?",
    "{name}, does that match what you're seeing?", "Let's hear from {name} on this one.",
    "{name}, is that realistic from your side?", "Before we move on, {name}, any concerns?",
]  # fmt: skip

OPENERS = [
    "Honestly, ", "I mean, ", "So, ", "Yeah, and ", "To be fair, ", "One thing though: ", "Well, ",
    "From my side, ", "Just to add to that, ", "If I'm honest, ", "Look, ", "Okay, so ", "I think ",
    "For what it's worth, ", "The way I see it, ", "Quick thought: ",
]  # fmt: skip

OPENERS_I = ["Honestly, ", "Well, ", "To be fair, ", "Yeah, and ", "So, ", "Look, ", "Okay, so ", "Yeah, "]

ANSWER_OPENERS = [
    "Good question. ", "I think so, yes. ", "Not really, no. ", "Partly. ", "From what I've seen, ",
    "As far as I know, ", "I'd have to check, but ", "Short answer: ", "Hmm, ", "Yes and no. ",
]  # fmt: skip

TRANSITIONS = [
    "Okay, let's move on to {title}.", "Next on the list is {title}.", "Right, {title}. Who wants to start?",
    "Let's turn to {title} now.", "Good. Now, {title}.", "Moving on. {title_cap} is next.",
    "Okay, I think that's enough on that. Let's talk about {title}.", "Shall we do {title} next?",
    "Let's get to {title} before we run out of time.",
]  # fmt: skip

CLOSERS = [
    "Okay, I think that covers it for this part.", "Let's park the rest of that for now.",
    "Good, that's enough on this topic, I think.", "Alright, we can come back to that if there's time.",
]  # fmt: skip

SMALL_TALK = [
    [("A", "Did anyone watch the match last night?"), ("B", "I did, and I'm still annoyed about the second half."),
     ("A", "That penalty, right? Unbelievable."), ("C", "I fell asleep at half time, so no spoilers for me.")],
    [("A", "Sorry I'm a bit late, the traffic on the bridge was terrible this morning."),
     ("B", "Roadworks again?"), ("A", "Yes, they've closed one lane for who knows how long.")],
    [("A", "How was the hiking trip, by the way?"),
     ("B", "Lovely, but it rained the whole second day. We came back soaked."),
     ("C", "That's the mountains for you. Did you at least get the view from the top?"),
     ("B", "For about five minutes, then the clouds came in.")],
    [("A", "Is the coffee machine on this floor still broken?"),
     ("B", "It is. Someone put a sign on it that says 'don't even try'."),
     ("A", "Great. I'll go downstairs after this.")],
    [("A", "{B}, how's the new puppy doing?"), ("B", "Chewing everything. Yesterday it was my headphones."),
     ("C", "Oh no. Puppies are the best and the worst."), ("B", "Mostly the best. Mostly.")],
    [("A", "Has anyone tried the new bakery on the corner?"),
     ("B", "Yes! The cinnamon rolls are dangerous. I've been there three times this week."),
     ("C", "Okay, I'm going at lunch.")],
    [("A", "Sorry, my cat just walked across the keyboard. If you saw a message full of letters, that was her."),
     ("B", "Ha, I was wondering what that was."), ("C", "Honestly it was clearer than some of my messages.")],
    [("A", "Is anyone else's internet slow today?"), ("B", "Mine's fine, but your video froze a second ago."),
     ("A", "Okay, I'll turn the camera off then.")],
    [("A", "Did you end up going to that concert on Saturday?"), ("B", "We did. Great music, terrible sound."),
     ("C", "That venue always has bad sound. Everyone says so."), ("B", "Now I know.")],
    [("A", "How's the house move going, {B}?"),
     ("B", "Boxes everywhere. I still can't find the box with the kettle, which is a crisis."),
     ("C", "Priorities. Always label the kettle box.")],
    [("A", "I've started running in the mornings. Don't ask me how it's going."), ("B", "How's it going?"),
     ("A", "Badly. But I'm still doing it."), ("C", "That's the important part.")],
    [("A", "Quick one before we start: is the big room booked for the afternoon?"),
     ("B", "I think so, but the screen there has been flickering again."),
     ("A", "Of course it has.")],
    [("A", "Did anyone else get that strange email about the parking garage?"),
     ("B", "The one about the painting work? I think it means no parking on the lower level for a while."),
     ("C", "I just take the bus, so that's not my problem, thankfully.")],
    [("A", "Happy birthday for yesterday, {B}! Did you do anything nice?"),
     ("B", "Thanks! Just dinner with the family, nothing big."), ("C", "Happy birthday! Cake in the kitchen?"),
     ("B", "Maybe tomorrow, if you're lucky.")],
    [("A", "Is it just me or is it freezing in here today?"),
     ("B", "It's not just you. I think the heating is off again."), ("C", "I brought a second sweater, I learned my lesson.")],
    [("A", "I finally finished that series everyone was talking about."),
     ("B", "And? Worth it?"), ("A", "The first half, yes. The ending, I have opinions."),
     ("C", "Don't say anything, I'm only on the third episode.")],
    [("A", "Before I forget, the plants by the window need water and I think they belong to everyone now."),
     ("B", "They've belonged to everyone for a year, which is why they look like that."),
     ("A", "Fair.")],
    [("A", "Sorry about the noise, they're drilling next door."),
     ("B", "We can hear it. It sounds like it's in the room."), ("A", "It might as well be.")],
]  # fmt: skip

DIGRESSIONS = [
    "Sorry, slightly off topic, but does anyone know if the kitchen is being cleaned out this week?",
    "Side note: the printer on the second floor is jammed again, in case anyone was planning to print.",
    "Totally unrelated, but the building said the fire alarm test is sometime this week.",
    "Before I forget, the shared calendar invites for next month look wrong on my side.",
    "Random thing, but my laptop keeps asking for the same update. Is that just me?",
    "By the way, whoever left the umbrella in the meeting room, it's at reception now.",
]  # fmt: skip

# Composed remarks about one of a topic's things (Meeting.things): "{Thing} {predicate}[, {tail}]."
# Predicates are written for a singular subject and say nothing that could be a decision or a task.
PREDICATES = [
    "is in better shape than it was a month ago", "came up again in the last retro",
    "takes more time than anyone expects", "looked simple on paper, but it's harder in practice",
    "has improved a lot since the spring", "needs a proper look, not another quick fix",
    "worked well the last time we tried it", "is what people complain about most",
    "is mostly fine, honestly", "got a lot of comments in the last survey",
    "depends on things outside our control", "is the thing I'd watch most closely right now",
    "could be a lot simpler than it is", "has been quiet for a while, which is good",
    "is better documented than it used to be", "still surprises new people",
    "has a few rough edges we keep tripping over", "is something we reinvent every year",
    "is moving, just slowly", "deserves more credit than it gets", "is where most of the questions come from",
    "was on the list last time too", "is fine for now, but it won't last forever",
    "looks different depending on who you ask", "is less of a problem than it was",
    "is a bit of a black box to most of us", "used to be much worse",
    "is one of those things that only breaks when you're busy", "has gotten more attention lately",
    "is more political than it should be", "is harder to measure than it sounds",
    "isn't really anyone's favorite topic", "was the main theme of the feedback",
    "caused some confusion last week", "is still mostly done by hand",
    "keeps getting pushed down the list", "is going better than I feared",
    "is exactly where we expected it to be", "has too many moving parts",
    "was discussed at length in the other meeting", "hasn't changed much, for better or worse",
    "is what the newer people ask about first", "eats more of my week than I'd like",
    "is holding up well, all things considered", "is not as bad as the rumors say",
    "is getting more complicated every month", "is worth a closer look at some point",
    "gets better every time someone new looks at it", "was a lot easier before we grew",
    "is one of the few things that just works", "has a long tail of small problems",
    "needs a clearer owner than it has today", "is not where I hoped it would be by now",
    "is something customers notice before we do", "keeps showing up in the weekly numbers",
    "was the first thing people mentioned in the interviews", "got simpler after the last round of changes",
    "looks fine from the outside, but the details are messy", "is mostly a communication problem",
    "has been stable for months", "depends a lot on one or two people", "is better than the industry average",
    "was never really designed, it just grew", "confuses people who join mid-year",
    "is a good example of something we fixed properly", "costs more attention than money",
    "has a backlog that nobody has looked at in a while", "is the one thing everybody has an opinion about",
    "changed more this year than in the three years before", "is closer to done than it looks",
    "would benefit from a fresh pair of eyes", "is harder to explain than it should be",
    "has quietly become important", "works, as long as nobody touches it", "is slowly getting out of hand",
    "is on everybody's list but nobody's calendar", "surprised me in a good way last month",
    "has more history than most people realize",
]  # fmt: skip

CONSEQUENCES = [
    "which means more work for support", "so the numbers may look different next month",
    "and people have started to ask about it", "and that affects more teams than ours",
    "so I'd rather not change it in a hurry", "which makes planning around it harder",
    "and it shows in the feedback", "so we should talk about it again soon", "and that's costing us time",
    "which is why it keeps coming up", "and I think the team is aware of it", "so it's not all bad news",
    "and the new people feel it the most", "which we should keep in mind for next year",
    "and nobody has a full picture of it", "so expectations need to be managed",
    "and that's probably fine for another quarter", "so let's be careful with promises",
]  # fmt: skip

TAILS = [
    "so let's keep an eye on it", "at least from what I've seen", "which nobody expected",
    "if you ask me", "and I don't think that will change soon", "which is worth remembering",
    "but it's not urgent", "although opinions differ", "and that's mostly good news",
    "to be fair", "from what I hear", "as far as I can tell", "which is a bit frustrating",
    "and people have noticed", "though it varies a lot", "which surprised me a little",
]  # fmt: skip

FORMS = [
    "{Thing} {predicate}.", "I think {thing} {predicate}.", "To be honest, {thing} {predicate}.",
    "From what I've heard, {thing} {predicate}.", "{Thing} {predicate}, {tail}.", "My sense is that {thing} "
    "{predicate}.", "Honestly, {thing} {predicate}, {tail}.", "I'd say {thing} {predicate}.",
    "In my experience {thing} {predicate}.", "Part of the problem is that {thing} {predicate}.",
    "{Thing} {predicate}, {consequence}.", "I think {thing} {predicate}, {consequence}.",
    "Honestly, {thing} {predicate}, {consequence}.", "The thing about {thing} is that it {predicate}.",
]  # fmt: skip

ASKS = [
    "How is {thing} going, by the way?", "Has anyone looked at {thing} recently?", "Is {thing} still a problem?",
    "What's the latest on {thing}?", "Quick question: where are we with {thing}?",
    "Does anyone have a view on {thing}?", "Is {thing} something we should worry about?",
    "Can someone remind me how {thing} works these days?",
]  # fmt: skip
