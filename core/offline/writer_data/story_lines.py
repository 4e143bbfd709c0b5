"""The sentences a story is told in, by arc stage: beginning, problem, attempts, turn, ending;
habits, similes, the lines of each tone and the reflective lines of adult books."""

from __future__ import annotations

from core.offline.wordings import pool

# --- sentence pools ---------------------------------------------------------------------------
#
# Filler lines are tagged with the arc stages they fit: b(eginning), p(roblem), a(ttempt), t(urn),
# e(nding). A line is only ever drawn for a page of one of its stages, so a calm-resolution line
# ("... felt safe and loved") never lands in the middle of a failed attempt. Lines naming {Friend}
# are only drawn once the friend has been introduced (and, for problems about the friend, not on
# problem or attempt pages). Tone pools are the mood of the story; ADULT_LINES are longer, and
# stay about the plot ({thing}, {goal}, {setting}).

FRIEND_INTRO = "{Hero}'s best friend was {Friend}, {friend_desc}."


_BEGIN = (
    "Every morning, {Hero} {habit}[, even when it rained].",
    "{Hero} loved {setting}[ more than any other place in the world].",
    "{Hero}'s {part} was {colour}[, the colour of {simile}].",
    "[Life {at_setting} was simple, and ]{Hero} was happy there.",
    "{Hero} liked to watch the {light} light {at_setting}[ as the day began].",
    "Nobody {at_setting} was as curious as {Hero}[, who asked questions about everything].",
    "At night, {Hero} dreamed of far places[ beyond the hills and the sea].",
    "{Hero} and {Friend} did almost everything together.",
)
BEGIN = pool(_BEGIN)
_PROBLEM = (
    "But nobody knew how to {goal}[, not even the oldest owl].",
    "It was not going to be easy.",
    "{Hero} thought about it all day[ and half the night].",
    "{Friend} said it could not be done[, but {Hero} was not so sure].",
    "{Hero} packed a bag with an apple and a torch[ and a piece of string, just in case].",
    "The trouble was getting bigger[ with every passing hour].",
)
PROBLEM = pool(_PROBLEM)
ATTEMPT_OPENERS = (
    "First",
    "Next",
    "Then",
    "After that",
    "Later",
    "The next morning",
    "After lunch",
    "That afternoon",
    "The day after",
    "At sunrise",
    "Before supper",
    "On a rainy day",
    "One more time",
    "Once again",
    "Soon after",
    "In the evening",
    "A little later",
    "Early next day",
    "On Tuesday",
    "Later still",
    "With new hope",
    "At noon",
    "Just before dark",
    "The next week",
)
_ATTEMPT_HOPES = (
    "hoping to {goal}",
    "with {Friend} close behind",
    "sure that this time it would work",
    "humming to stay brave",
    "full of hope",
    "with a brand new idea",
    "without giving up",
    "taking great care",
)
ATTEMPT_HOPES = pool(_ATTEMPT_HOPES)
_ATTEMPT_OUTCOMES = (
    "so {Hero} had to think again",
    "and {Hero} let out a long sigh",
    "so it was time for a new plan",
    "and {Friend} gave a sad little shrug",
    "and that was the end of that idea",
    "and the day slipped away",
    "and {Hero} still could not {goal}",
)
ATTEMPT_OUTCOMES = pool(_ATTEMPT_OUTCOMES)
_ATTEMPT_EXTRA = (
    "{Hero} did not give up.",
    "{Hero} sat down and had a think[ with chin in hands].",
    '{Friend} said, "Let\'s try again tomorrow."',
    "{Hero} felt tired, but hopeful[, like a lamp still burning low].",
    "[The day was long, and ]{Hero}'s feet were sore.",
    "{Hero} wrote down what had gone wrong[ in a small notebook].",
    "There had to be another way.",
)
ATTEMPT_EXTRA = pool(_ATTEMPT_EXTRA)
# after the turn sentence: the hero sees the answer and acts on it
_TURN = (
    "{Hero}'s eyes grew wide[ with surprise].",
    "At last, {Hero} knew what to do.",
    "{Hero} could hardly believe it.",
    "It was the best idea {Hero} had ever had.",
    "{Hero} hurried to tell {Friend}[, too excited to walk].",
    "All the failed tries suddenly made sense.",
)
TURN = pool(_TURN)
# after the resolution sentence: the celebration and the calm close
_ENDING = (
    "That night, {Hero} fell asleep {at_setting}, happy and tired.",
    "Everyone cheered for {Hero}[, even the grumpy neighbour next door].",
    "{Hero} and {Friend} shared a big slice of cake.",
    "{Hero} smiled[ a wide, proud smile].",
    "It had been a long day, but a very good one.",
)
ENDING = pool(_ENDING)
HABITS = (
    "said hello to the sun",
    "counted the birds on the fence",
    "watched the clouds drift by",
    "hummed a little song",
    "tidied up with great care",
    "went for a short walk",
    "looked out of the window",
    "shared breakfast with {Friend}",
)
SIMILES = {
    "red": "ripe cherries",
    "pink": "a summer rose",
    "orange": "a pumpkin",
    "yellow": "the sun",
    "golden": "honey",
    "gold": "honey",
    "green": "spring leaves",
    "blue": "the sky",
    "teal": "the sea",
    "purple": "plums",
    "white": "fresh snow",
    "black": "the night",
    "grey": "a rain cloud",
    "brown": "warm toast",
    "tan": "sand",
    "cream": "fresh milk",
    "silver": "the moon",
    "ginger": "autumn leaves",
    "beige": "a biscuit",
    "rust": "autumn leaves",
    "coral": "a sea shell",
}
LIGHT_WORDS = {"warm": "golden", "funny": "bouncy", "spooky": "pale", "calm": "soft", "exciting": "bright"}

# (stages, line) by tone: the mood of the story, tagged with the stages each line fits
_TONE_LINES = {
    "warm": (
        ("b", "A kind breeze smelled of warm bread."),
        ("b", "Somewhere, a kettle was singing."),
        ("b", "Everyone waved hello[ from their windows]."),
        ("b", "The flowers nodded as if to say hello."),
        ("bt", "A robin sang a cheerful song."),
        ("p", "{Friend} promised to help[ in any way at all]."),
        ("p", "Even so, {Hero} felt a little braver with {Friend} nearby."),
        ("a", "{Friend} brought {Hero} a warm drink and a kind word."),
        ("a", "A robin hopped along beside {Hero}, as if to say: keep going."),
        ("a", "Kind words from {Friend} made the long day feel lighter."),
        ("t", "{Hero}'s heart felt warm and light."),
        ("t", "The sun came out from behind a cloud."),
        ("e", "{Friend} gave {Hero} a big hug."),
        ("e", "{Hero} felt safe and loved."),
        ("e", "There was always room for one more friend."),
        ("e", "A cup of cocoa waited at home."),
    ),
    "funny": (
        ("ba", "A duck quacked, as if it had a joke to tell."),
        ("b", "A goat ate the shopping list."),
        ("b", "A pigeon wore a tiny crown of leaves."),
        ("b", "{Friend} wore a teapot as a hat."),
        ("p", "Somebody's tummy rumbled like thunder."),
        ("p", "A cow mooed in a surprisingly high voice."),
        ("a", "{Hero} tripped over a very rude pebble."),
        ("a", "A snail raced past and won."),
        ("a", "The wind blew {Hero}'s hair into a funny shape."),
        ("a", "{Hero} sneezed so hard that a hat flew off."),
        ("te", "Even the trees seemed to giggle."),
        ("t", "A worm did a little dance."),
        ("e", "A worm did a little victory dance."),
        ("e", "{Friend} laughed until a hiccup popped out."),
    ),
    "spooky": (
        ("bp", "Somewhere, a door creaked all by itself."),
        ("b", "The moon peeked out from behind a cloud."),
        ("b", "A cat's eyes glowed in the gloom."),
        ("p", "An owl hooted three times."),
        ("p", "The candle flickered, though there was no wind."),
        ("pa", "The shadows grew long and thin."),
        ("a", "A cold mist curled around {Hero}'s feet."),
        ("a", "Something rustled in the bushes."),
        ("a", "A floorboard creaked[ in the empty room]."),
        ("a", "A bat flitted past."),
        ("a", "Leaves whispered in the dark."),
        ("t", "Somewhere far off, an owl hooted as if to say well done."),
        ("t", "The mist began to lift."),
        ("e", "The shadows did not seem so spooky any more."),
        ("e", "Somewhere an old owl hooted a friendly goodnight."),
    ),
    "calm": (
        ("b", "The clouds drifted slowly by."),
        ("b", "Everything was quiet and still."),
        ("b", "A soft wind rocked the grass."),
        ("b", "Far away, a bell rang softly."),
        ("p", "{Hero} took a slow, deep breath."),
        ("p", "The light was soft and gentle."),
        ("a", "A leaf floated down[ like a little boat]."),
        ("a", "The river hummed a sleepy song."),
        ("a", "A sleepy bee buzzed past."),
        ("a", "{Hero} rested for a while in the shade."),
        ("t", "Everything went very still, as if the world was listening."),
        ("e", "The stars came out one by one."),
        ("e", "The world seemed to rest."),
        ("e", "Small waves lapped at the shore."),
    ),
    "exciting": (
        ("b", "Thunder rumbled in the distance."),
        ("b", "The wind roared past."),
        ("p", "There was no time to lose!"),
        ("p", "{Hero}'s heart went thump, thump, thump."),
        ("a", "Would {Hero} make it in time?"),
        ("a", "{Hero} ran faster than ever before."),
        ("a", "{Hero} leapt over a puddle."),
        ("a", "A great crash echoed around."),
        ("a", '{Friend} shouted, "Quick, this way!"'),
        ("t", "Everything happened at once!"),
        ("t", "The ground shook for a moment."),
        ("e", "Sparks of joy flew in every direction."),
        ("e", "{Hero} punched the air and cheered."),
    ),
}
TONE_LINES = {tone: pool(lines) for tone, lines in _TONE_LINES.items()}

# (stages, line): longer sentences only adults get, always about this story
_ADULT_LINES = (
    ("b", "It was the kind of morning that seemed to promise something, though nobody could have said exactly what."),
    ("b", "{Hero} knew every corner of home and loved it in every season, even the wet ones."),
    ("b", "{Hero} had always believed that patience was a kind of courage, quieter than the other kinds."),
    ("p", "{Hero} turned the problem over and over, like a smooth stone in a pocket."),
    ("p", "Nobody else seemed to think the {thing} mattered much, but {Hero} could not let it go."),
    ("p", "It occurred to {Hero} that the most difficult questions rarely had simple answers."),
    ("a", "There is a difference between giving up and resting, and {Hero} understood it perfectly."),
    ("a", "{Friend} watched thoughtfully, recognising the determination that had settled on {Hero}'s face."),
    ("a", "Each failed idea still taught {Hero} something new about the {thing}."),
    ("a", "{Hero} went over everything again, looking for the small detail that had been missed."),
    ("a", "{Hero} and {Friend} had very little certainty left, but they still had plenty of hope."),
    ("a", "The afternoon stretched on, and the answer seemed further away than ever."),
    ("t", "Looking back, {Hero} would remember this moment as the point where everything began to change."),
    ("t", "All the failed attempts suddenly fitted together, like pieces of a puzzle falling into place."),
    ("e", "Home looked just the same as ever, and yet to {Hero} it felt quite different."),
    ("e", "{Hero} understood now that the search had mattered almost as much as the answer."),
    ("e", "The evening settled softly over everything, golden and reluctant to finish."),
    ("b", "{Hero} had a particular way of noticing things that everybody else had long since stopped noticing."),
    ("p", "The problem seemed considerably larger than {Hero}, which was, unfortunately, exactly the point."),
    ("a", "Determination, {Hero} decided, was mostly a matter of trying once more than seemed reasonable."),
    ("a", "Somewhere between disappointment and stubbornness, {Hero} discovered an unexpected reserve of patience."),
    ("t", "Afterwards, {Hero} could never quite explain how obvious the answer suddenly appeared."),
    ("e", "Everything that had happened felt, in retrospect, like an entirely necessary part of the story."),
)
ADULT_LINES = pool(_ADULT_LINES)
