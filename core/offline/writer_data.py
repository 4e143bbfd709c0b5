"""Words for the offline story grammar: names, heroes, settings, problems and sentence templates.

Templates use `str.format` slots (see `core.offline.writer._slots`). Text in [square brackets] is
an elaboration: left out for young children, included at random for older children and always for
adults, so sentence length follows the audience.
"""

from __future__ import annotations

import re

NAMES = (
    "Pip", "Luna", "Otto", "Ada", "Bo", "Kit", "Nell", "Finn", "Ivy", "Rosa", "Juno", "Theo", "Mila",
    "Ravi", "Zara", "Leo", "Nia", "Oskar", "Wren", "Cleo", "Arlo", "Maya", "Iris", "Milo", "Tess",
    "Rumi", "Hugo", "Elsa", "Noor", "Bram", "Suki", "Tomas",
)
FRIENDS = (
    "Dot", "Benny", "Fern", "Moss", "Poppy", "Rex", "Tilly", "Ollie", "Bea", "Sol", "Hazel", "Kai",
)

COLOURS = (
    "light grey", "dark grey", "light blue", "dark blue", "navy blue", "sky blue", "dark green",
    "lime green", "olive green", "dark red", "dark brown", "golden yellow", "slate blue",
    "black", "white", "grey", "gray", "silver", "gold", "golden", "cream", "beige", "tan", "brown",
    "ginger", "rust", "red", "crimson", "pink", "magenta", "coral", "peach", "orange", "amber",
    "yellow", "khaki", "olive", "green", "teal", "turquoise", "blue", "navy", "purple", "violet",
    "lavender", "lilac", "tabby", "striped", "spotted", "rosy", "copper", "bronze",
)

# noun -> kind. Animate nouns win over objects; settings are never the hero.
ANIMALS = {
    "cat": "fur", "kitten": "fur", "kitty": "fur", "dog": "fur", "puppy": "fur", "pup": "fur",
    "fox": "fur", "rabbit": "fur", "bunny": "fur", "hare": "fur", "bear": "fur", "horse": "coat",
    "pony": "coat", "mouse": "fur", "rat": "fur", "hamster": "fur", "squirrel": "fur",
    "hedgehog": "spines", "bird": "feathers", "owl": "feathers", "duck": "feathers",
    "duckling": "feathers", "chicken": "feathers", "hen": "feathers", "parrot": "feathers",
    "penguin": "feathers", "swan": "feathers", "goose": "feathers", "robin": "feathers",
    "fish": "scales", "frog": "skin", "turtle": "shell", "tortoise": "shell", "snail": "shell",
    "lion": "mane", "tiger": "stripes", "elephant": "skin", "giraffe": "spots", "zebra": "stripes",
    "monkey": "fur", "cow": "coat", "sheep": "wool", "lamb": "wool", "goat": "coat", "pig": "skin",
    "butterfly": "wings", "bee": "stripes", "ladybird": "wings", "dragon": "scales",
    "unicorn": "mane", "dinosaur": "scales", "wolf": "fur", "deer": "coat", "otter": "fur",
    "badger": "fur", "raccoon": "fur", "koala": "fur", "panda": "fur", "seal": "skin",
    "dolphin": "skin", "whale": "skin", "octopus": "skin", "crab": "shell",
}
PEOPLE = {
    "astronaut", "girl", "boy", "woman", "man", "child", "kid", "baby", "toddler", "lady",
    "grandmother", "grandfather", "grandma", "grandpa", "granny", "teacher", "farmer", "pilot",
    "doctor", "nurse", "knight", "princess", "prince", "king", "queen", "wizard", "witch", "pirate",
    "sailor", "student", "dancer", "musician", "chef", "cook", "baker", "painter", "artist",
    "gardener", "fisherman", "scientist", "explorer", "climber", "skier", "surfer", "runner",
    "player", "robot", "alien", "clown", "firefighter", "soldier", "captain", "mother", "father",
    "mum", "mom", "dad", "sister", "brother", "friend", "person", "traveller", "hiker",
}
OBJECTS = {
    "cup", "mug", "teacup", "coffee", "tea", "teapot", "kettle", "car", "bicycle", "bike", "boat",
    "ship", "train", "plane", "aeroplane", "airplane", "rocket", "kite", "ball", "balloon", "hat",
    "book", "lamp", "lantern", "clock", "house", "cottage", "tree", "flower", "rose", "tulip",
    "sunflower", "daisy", "apple", "pear", "cake", "cookie", "biscuit", "toy", "teddy", "doll",
    "chair", "umbrella", "shoe", "boot", "guitar", "piano", "violin", "drum", "rock", "stone",
    "shell", "leaf", "candle", "key", "box", "bottle", "bag", "basket", "bowl", "plate", "saucer",
    "bench", "door", "castle", "tower", "bridge", "lighthouse", "moon", "sun", "star", "snowman",
    "scarecrow", "tractor", "bus", "truck", "lorry", "helmet", "pumpkin", "mushroom", "cactus",
    "plant", "pot", "vase", "jar", "sandwich", "pie", "pizza", "bread", "egg", "hourglass",
    "telescope", "camera", "radio", "computer", "phone", "sock", "scarf", "glove",
}
SETTINGS = {
    "kitchen", "garden", "forest", "woods", "wood", "beach", "park", "city", "street", "room",
    "bedroom", "table", "desk", "sea", "ocean", "lake", "river", "mountain", "mountains", "hill",
    "hills", "field", "meadow", "snow", "space", "station", "farm", "school", "library", "cafe",
    "café", "market", "village", "town", "sky", "window", "windowsill", "sofa", "couch",
    "blanket", "bed", "grass", "road", "desert", "jungle", "island", "harbour", "harbor", "pond",
    "playground", "classroom", "attic", "cave", "valley", "shore", "studio", "office", "porch",
    "balcony", "yard", "backyard", "roof", "train station", "bakery", "shop", "zoo", "lawn",
    "carpet", "rug", "floor", "pillow", "cushion", "fence", "wall", "orchard", "swamp",
    "living room", "dining room", "front of",
}
# places a hero sits on rather than lives in: used only when the caption names no bigger place
SMALL_SETTINGS = {
    "table", "desk", "blanket", "sofa", "couch", "bed", "pillow", "cushion", "carpet", "rug",
    "floor", "windowsill", "window", "fence", "wall", "grass", "lawn", "snow", "front of",
}
NOT_SUBJECTS = {
    "photo", "landscape", "square", "picture", "image", "shot", "photograph", "snapshot", "frame", "view", "close-up",
    "closeup", "portrait", "background", "foreground", "colour", "colours", "color", "colors",
    "light", "tones", "tone", "face", "faces", "detector", "detectors", "engine", "area",
    "interest", "centre", "center", "top", "bottom", "left", "right", "middle", "side", "caption",
    "thing", "something", "part", "figure", "figures", "people", "subject", "object", "animal",
    "place", "anything", "scene", "lot", "kind", "sort", "way", "day", "time",
}
ADJECTIVES = {
    "little", "small", "tiny", "big", "large", "huge", "old", "young", "fluffy", "furry", "happy",
    "sleepy", "curious", "brave", "shy", "smiling", "grumpy", "proud", "wet", "round", "tall",
    "short", "long", "cosy", "cozy", "friendly", "wild", "clever", "funny", "quiet", "noisy",
    "shiny", "soft", "gentle", "lazy", "busy", "playful", "hungry", "lonely", "cheerful", "sad",
    "wooden", "ceramic", "steaming", "hot", "cold", "frozen", "tabby", "striped", "spotted",
    "fat", "thin", "pretty", "beautiful", "lovely", "giant", "baby", "lucky", "magic", "magical",
}

# --- genres ----------------------------------------------------------------------------------

GENRE_ALIASES = {
    "adventure": "adventure", "quest": "adventure", "journey": "adventure", "action": "adventure",
    "mystery": "mystery", "detective": "mystery", "crime": "mystery", "puzzle": "mystery",
    "friendship": "friendship", "friends": "friendship", "family": "friendship",
    "slice of life": "friendship", "everyday": "friendship", "school": "friendship",
    "fairy": "fairy tale", "fairytale": "fairy tale", "fairy-tale": "fairy tale",
    "fantasy": "fairy tale", "magic": "fairy tale", "fable": "fairy tale", "legend": "fairy tale",
    "science": "science fiction", "sci-fi": "science fiction", "scifi": "science fiction",
    "sf": "science fiction", "space": "science fiction", "future": "science fiction",
    "robot": "science fiction", "robots": "science fiction",
    "funny": "funny", "comedy": "funny", "humour": "funny", "humor": "funny", "silly": "funny",
    "nonsense": "funny", "comic": "funny",
    "spooky": "mystery", "ghost": "mystery", "horror": "mystery",
}
TONE_ALIASES = {
    "warm": "warm", "cosy": "warm", "cozy": "warm", "gentle": "warm", "kind": "warm",
    "heartwarming": "warm", "tender": "warm", "sweet": "warm", "happy": "warm",
    "funny": "funny", "silly": "funny", "playful": "funny", "humorous": "funny", "light": "funny",
    "spooky": "spooky", "scary": "spooky", "eerie": "spooky", "dark": "spooky", "creepy": "spooky",
    "mysterious": "spooky",
    "calm": "calm", "bedtime": "calm", "quiet": "calm", "peaceful": "calm", "soothing": "calm",
    "dreamy": "calm", "relaxed": "calm",
    "exciting": "exciting", "thrilling": "exciting", "action": "exciting", "epic": "exciting",
    "tense": "exciting", "dramatic": "exciting", "adventurous": "exciting",
}

ROLES = {
    "adventure": ("explorer", "traveller", "climber"),
    "mystery": ("detective", "puzzle solver", "young sleuth"),
    "friendship": ("child", "neighbour", "schoolchild"),
    "fairy tale": ("young traveller", "shepherd", "baker's apprentice"),
    "science fiction": ("space cadet", "inventor", "star pilot"),
    "funny": ("inventor", "juggler", "trouble-maker"),
}
DEFAULT_SETTINGS = {
    "adventure": (("by", "the edge of a great forest"), ("in", "a village near the mountains"),
                  ("by", "a wide blue river")),
    "mystery": (("in", "a crooked old house"), ("in", "a quiet town by the sea"),
                ("in", "a library full of dusty books")),
    "friendship": (("in", "a busy little street"), ("in", "a house with a red door"),
                   ("near", "a park with a big oak tree")),
    "fairy tale": (("in", "a kingdom beyond the hills"), ("in", "a castle made of pale stone"),
                   ("in", "a wood where the trees could whisper")),
    "science fiction": (("on", "a space station far above the Earth"), ("in", "a city of glass towers"),
                        ("on", "a small moon with purple sand")),
    "funny": (("in", "a town where nothing ever went to plan"), ("in", "a very untidy kitchen"),
              ("on", "a farm with rather odd animals")),
}

# Each problem: what it is about (thing), the goal, the trouble sentence, the turn and the ending.
PROBLEMS = {
    "adventure": (
        {"thing": "silver compass", "goal": "find the silver compass",
         "trouble": "One windy morning, {Hero}'s silver compass rolled away and was gone[, down the hill and"
                    " out of sight].",
         "turn": "Then a bright flash caught {Hero}'s eye: something silver was shining in the mud"
                 "[ by the stepping stones].",
         "end": "{Hero} held the silver compass tight, and its needle pointed straight for home."},
        {"thing": "hidden waterfall", "goal": "reach the hidden waterfall",
         "trouble": "An old map showed a hidden waterfall, but half of the map was torn away[ and lost long ago].",
         "turn": "Then {Hero} heard it: a deep, rushing roar behind the rocks.",
         "end": "Cool water sparkled in the sun, and {Hero} laughed in the spray of the hidden waterfall."},
        {"thing": "top of Windy Hill", "goal": "climb to the top of Windy Hill",
         "trouble": "Everyone said the top of Windy Hill was too high for someone so small[, but {Hero}"
                    " wanted to try].",
         "turn": "Then {Hero} found a path of flat stones, like steps made for small feet.",
         "end": "From the top of Windy Hill, {Hero} could see the whole world, tiny and shining."},
        {"thing": "runaway kite", "goal": "bring the runaway kite home",
         "trouble": "A gust of wind snatched {Friend}'s {colour} kite and carried it far away[ over the rooftops].",
         "turn": "Then {Hero} saw a long string dangling from the branches of a very tall tree.",
         "end": "{Hero} gave the kite back to {Friend}, and they flew it together until the sun went down."},
        {"thing": "light on the island", "goal": "find out what the light on the island was",
         "trouble": "Every night a small green light blinked on the island[ across the water], and nobody knew why.",
         "turn": "Then, close to the island, {Hero} saw the light again, blinking in a little window.",
         "end": "The light belonged to an old lighthouse keeper, who had been waving hello all along."},
    ),
    "mystery": (
        {"thing": "missing key", "goal": "find the missing key",
         "trouble": "One morning, the little key that opened the old {colour} box had vanished[ from its hook].",
         "turn": "Then {Hero} spotted tiny muddy footprints leading to the window.",
         "end": "A magpie who loved shiny things had taken the key, and it traded it back for a button."},
        {"thing": "tapping sound", "goal": "find out what made the tapping sound",
         "trouble": "Every night, a strange tap, tap, tap came from somewhere[ in the dark], and nobody"
                    " could say what it was.",
         "turn": "Then {Hero} saw a branch knocking on the glass each time the wind blew.",
         "end": "The mystery was solved, and the tapping became a sound to fall asleep to."},
        {"thing": "footprints in the flour", "goal": "follow the footprints in the flour",
         "trouble": "Someone had walked through the spilled flour and left a trail of tiny footprints["
                    " across the floor].",
         "turn": "Then {Hero} heard a small sneeze coming from inside the biscuit tin.",
         "end": "Inside sat a mouse covered in flour, and {Hero} shared a biscuit with the little thief."},
        {"thing": "secret note", "goal": "discover who wrote the secret note",
         "trouble": "A folded note appeared under the door with just four words: Look under the stairs.",
         "turn": "Then {Hero} found a second note, written in the same wobbly letters[ as the first].",
         "end": "The notes were a treasure hunt from {Friend}, and the treasure was a birthday cake."},
        {"thing": "vanished cake", "goal": "find out where the cake had gone",
         "trouble": "The big cake for the party had vanished[ from the table], and only crumbs were left.",
         "turn": "Then {Hero} noticed a line of crumbs leading behind the curtains.",
         "end": "Behind the curtains, a very guilty dog was licking its nose, and everyone laughed."},
    ),
    "friendship": (
        {"thing": "shy newcomer", "goal": "make friends with the shy newcomer",
         "trouble": "A newcomer called {Friend} had arrived, but {Friend} hid every time {Hero} said hello.",
         "turn": "Then {Hero} noticed that {Friend} was drawing pictures, just like {Hero} liked to do.",
         "end": "{Hero} and {Friend} drew pictures side by side, and the newcomer was not shy any more."},
        {"thing": "quarrel about the swing", "goal": "mend the quarrel with {Friend}",
         "trouble": "{Hero} and {Friend} had a quarrel about the swing, and neither of them would say sorry.",
         "turn": "Then {Hero} saw {Friend} sitting alone, looking just as sad[ and just as lonely].",
         "end": "They both said sorry at the very same moment, and then they took turns on the swing."},
        {"thing": "friend who was moving away", "goal": "give {Friend} a goodbye present",
         "trouble": "{Friend} was moving far away, and {Hero} did not know how to say goodbye.",
         "turn": "Then {Hero} had an idea: a book full of drawings of everything they had done together.",
         "end": "{Friend} hugged the book, and they promised to write a letter every week."},
        {"thing": "lonely neighbour", "goal": "cheer up the lonely neighbour",
         "trouble": "The old neighbour next door never smiled[ and sat alone by the window every day].",
         "turn": "Then {Hero} heard the neighbour humming a song that {Hero} knew too.",
         "end": "Soon the neighbour and {Hero} sang together every evening, and the window was always open."},
        {"thing": "lost puppy", "goal": "find a home for the lost puppy",
         "trouble": "A small lost puppy was shivering[ in the rain], and nobody knew where it lived.",
         "turn": "Then {Hero} saw a poster with a picture of the puppy on it.",
         "end": "The puppy's family cried with joy, and they asked {Hero} to visit every Sunday."},
    ),
    "fairy tale": (
        {"thing": "silent songs", "goal": "break the spell on the songs",
         "trouble": "A grumpy wizard cast a spell, and every song in the kingdom fell silent.",
         "turn": "Then {Hero} found that the wizard could not sing either, and was sad about it.",
         "end": "{Hero} taught the wizard to hum, the spell broke, and the whole kingdom sang again."},
        {"thing": "golden apple", "goal": "find the golden apple",
         "trouble": "The queen fell ill, and only a golden apple from the far orchard could make her well.",
         "turn": "Then a tiny bird landed on {Hero}'s hand and showed the way to a glowing tree.",
         "end": "The queen ate the golden apple, smiled, and made {Hero} a guest of honour."},
        {"thing": "giant's lost button", "goal": "return the giant's lost button",
         "trouble": "A giant had lost a button as big as a cart wheel, and the giant's coat kept flapping open.",
         "turn": "Then {Hero} found the button rolling down the road all by itself.",
         "end": "The giant sewed the button back on and gave {Hero} a ride on a very big shoulder."},
        {"thing": "frozen rose garden", "goal": "wake the frozen rose garden",
         "trouble": "Frost had covered the rose garden, and the roses had stopped opening[ for a hundred days].",
         "turn": "Then {Hero} remembered an old rhyme about warm hands and kind words.",
         "end": "The roses opened one by one, red and pink and gold, and the frost melted away."},
        {"thing": "mirror that lost its voice", "goal": "give the talking mirror its voice back",
         "trouble": "The castle's talking mirror had lost its voice, and nobody could hear its wise advice.",
         "turn": "Then {Hero} found the mirror's voice hiding in an echo at the bottom of the well.",
         "end": "The mirror spoke again, and its first words were a thank you to {Hero}."},
    ),
    "science fiction": (
        {"thing": "silent engine", "goal": "fix the ship's engine",
         "trouble": "One day the ship's engine stopped humming, and the stars stopped moving past the window.",
         "turn": "Then {Hero} noticed a small wire that had come loose behind a panel.",
         "end": "The engine hummed again, and the ship sailed on between the bright stars."},
        {"thing": "signal from a blue planet", "goal": "answer the signal from the blue planet",
         "trouble": "A strange signal came from a small blue planet: beep, boop, beep, over and over.",
         "turn": "Then {Hero} understood that the beeps were a song, not a warning.",
         "end": "{Hero} sang the song back, and the blue planet lit up like a birthday cake."},
        {"thing": "robot who forgot how to dream", "goal": "help the robot dream again",
         "trouble": "One night, {Friend} forgot how to dream, and {Friend}'s lights blinked slow and sad.",
         "turn": "Then {Hero} told {Friend} a bedtime story about the stars.",
         "end": "That night {Friend} dreamed of comets, and {Friend}'s lights blinked in happy colours."},
        {"thing": "dark moon base", "goal": "bring back the lights of the moon base",
         "trouble": "All the lights on the moon base went out[ at once], and everything was dark and cold.",
         "turn": "Then {Hero} saw that dust had covered the solar panels outside.",
         "end": "With the panels clean, the moon base glowed again like a lantern in the sky."},
        {"thing": "lost falling star", "goal": "help the falling star get home",
         "trouble": "A little star fell from the sky[ with a fizz and a pop] and could not fly back up.",
         "turn": "Then {Hero} built a launch ramp out of spare parts and a spring.",
         "end": "The star shot back into the sky and winked at {Hero} every night after that."},
    ),
    "funny": (
        {"thing": "sneezing hat", "goal": "stop the sneezing hat",
         "trouble": "{Hero}'s new hat would not stop sneezing[, and it blew everyone's hair about].",
         "turn": "Then {Hero} saw a feather tucked inside, tickling the hat's nose.",
         "end": "Without the feather the hat stopped sneezing, and started to sing instead."},
        {"thing": "runaway socks", "goal": "catch all the runaway socks",
         "trouble": "One morning every sock in the house had run away[, even the stripy ones].",
         "turn": "Then {Hero} heard giggling from the washing machine.",
         "end": "The socks had been having a party, and {Hero} joined in with bare feet."},
        {"thing": "cake that grew too big", "goal": "shrink the enormous cake",
         "trouble": "{Hero} added too much magic flour, and the cake grew bigger than the house.",
         "turn": "Then {Hero} had an idea: invite the whole town to eat it.",
         "end": "Everyone ate cake until they were full, and there was just one crumb left."},
        {"thing": "hiccups", "goal": "cure the town's hiccups",
         "trouble": "Everyone in town had the hiccups[, even the mayor and the goldfish].",
         "turn": "Then {Hero} told the silliest joke in the world, and everyone gasped.",
         "end": "The hiccups stopped at once, and the town laughed for a week."},
        {"thing": "upside-down day", "goal": "put the upside-down day the right way up",
         "trouble": "{Hero} woke up and everything was upside down[: the trees, the houses and the breakfast].",
         "turn": "Then {Hero} found that doing a handstand made the world look right again.",
         "end": "The next morning the world was the right way up, but {Hero} kept doing handstands."},
    ),
}

# --- sentence pools ---------------------------------------------------------------------------
#
# Filler lines are tagged with the arc stages they fit: b(eginning), p(roblem), a(ttempt), t(urn),
# e(nding). A line is only ever drawn for a page of one of its stages, so a calm-resolution line
# ("... felt safe and loved") never lands in the middle of a failed attempt. Lines naming {Friend}
# are only drawn once the friend has been introduced (and, for problems about the friend, not on
# problem or attempt pages). Tone pools are the mood of the story; ADULT_LINES are longer, and
# stay about the plot ({thing}, {goal}, {setting}).

# How the secondary character is introduced ("{Hero}'s best friend was {Friend}, {friend_desc}.")
FRIEND_KINDS = (
    "a small grey mouse", "a chatty green parrot", "a cheerful brown puppy", "a clever little fox",
    "a kind old tortoise", "a bouncy white rabbit", "a shy little hedgehog", "a cheeky red squirrel",
    "a wise old owl", "a friendly black crow", "a plump little duck", "a gentle grey donkey",
)
FRIEND_INTRO = "{Hero}'s best friend was {Friend}, {friend_desc}."

# problem -> the kind of attempts that fit it
PROBLEM_KINDS = {
    "silver compass": "search", "hidden waterfall": "reach", "top of Windy Hill": "reach",
    "runaway kite": "search", "light on the island": "reach",
    "missing key": "search", "tapping sound": "search", "footprints in the flour": "search",
    "secret note": "search", "vanished cake": "search",
    "shy newcomer": "mend", "quarrel about the swing": "mend", "friend who was moving away": "mend",
    "lonely neighbour": "mend", "lost puppy": "search",
    "silent songs": "mend", "golden apple": "reach", "giant's lost button": "search",
    "frozen rose garden": "mend", "mirror that lost its voice": "search",
    "silent engine": "mend", "signal from a blue planet": "mend",
    "robot who forgot how to dream": "mend", "dark moon base": "mend", "lost falling star": "mend",
    "sneezing hat": "mend", "runaway socks": "search", "cake that grew too big": "mend",
    "hiccups": "mend", "upside-down day": "mend",
}
# problems whose trouble sentence itself introduces the friend
FRIEND_INTRODUCED_BY_TROUBLE = {"shy newcomer"}
# problems that are about the friend: the friend does not help in the problem and attempt pages
FRIEND_APART = {"shy newcomer", "quarrel about the swing", "friend who was moving away",
                "robot who forgot how to dream"}
# animals a problem already has in it: the friend is never one of them (no mouse friend when the
# thief turns out to be a mouse)
FRIEND_NOT = {"footprints in the flour": {"mouse"}, "vanished cake": {"puppy"}, "lost puppy": {"puppy"},
              "missing key": {"crow"}}
# problems that decide what the friend is
FRIEND_DESC = {"robot who forgot how to dream": "a little robot with blinking lights",
               "shy newcomer": "a newcomer"}

BEGIN = (
    "Every morning, {Hero} {habit}[, even when it rained].",
    "{Hero} loved {setting}[ more than any other place in the world].",
    "{Hero}'s {part} was {colour}[, the colour of {simile}].",
    "[Life {at_setting} was simple, and ]{Hero} was happy there.",
    "{Hero} liked to watch the {light} light {at_setting}[ as the day began].",
    "Nobody {at_setting} was as curious as {Hero}[, who asked questions about everything].",
    "At night, {Hero} dreamed of far places[ beyond the hills and the sea].",
    "{Hero} and {Friend} did almost everything together.",
)
PROBLEM = (
    "But nobody knew how to {goal}[, not even the oldest owl].",
    "It was not going to be easy.",
    "{Hero} thought about it all day[ and half the night].",
    "{Friend} said it could not be done[, but {Hero} was not so sure].",
    "{Hero} packed a bag with an apple and a torch[ and a piece of string, just in case].",
    "The trouble was getting bigger[ with every passing hour].",
)
ATTEMPT_OPENERS = (
    "First", "Next", "Then", "After that", "Later", "The next morning", "After lunch",
    "That afternoon", "The day after", "At sunrise", "Before supper", "On a rainy day",
    "One more time", "Once again", "Soon after", "In the evening", "A little later", "Early next day",
    "On Tuesday", "Later still", "With new hope", "At noon", "Just before dark", "The next week",
)
HELPERS = (
    "a wise old owl", "a grumpy crab", "a chatty parrot", "a sleepy snail", "a friendly baker",
    "a tiny robot", "a kind neighbour", "a busy squirrel", "a lost duckling", "a girl with a red kite",
    "a shy hedgehog", "an old sailor", "a clever crow", "a sleepy dog", "a helpful mole",
    "a singing frog", "a tall giraffe", "a jolly postman", "a little mouse", "a patient tortoise",
)
# Attempts by the kind of problem: (what the hero did, the same as a scene, how it went wrong).
# The failures belong to their method, so the "But ..." sentence follows from the attempt.
METHODS = {
    "search": (
        ("looked under every stone", "looking under every stone",
         ("there was nothing under them but beetles", "every stone hid only mud")),
        ("followed a trail of tiny marks", "following a trail of tiny marks",
         ("the trail went round in a circle", "the marks were only raindrops")),
        ("used a magnifying glass", "peering through a magnifying glass",
         ("it was only a shadow", "the glass showed nothing but dust")),
        ("asked {helper} for help", "asking {helper} for help",
         ("{the_helper} had not seen a thing", "{the_helper} nodded off halfway through")),
        ("searched high and low", "searching high and low",
         ("the answer was hiding somewhere else", "it turned out to be a pile of leaves")),
        ("listened very hard", "listening very hard",
         ("the only sound was the wind", "a noisy storm drowned everything out")),
        ("drew a careful map", "drawing a careful map",
         ("the wind blew the map away", "the map led straight back home")),
        ("called out loudly", "calling out loudly",
         ("only an echo called back", "a goose honked back crossly")),
        ("waited in silence", "waiting in silence",
         ("nothing came at all", "{Hero} dozed off while waiting")),
        ("climbed up high to look around", "climbing up high to look around",
         ("the fog came rolling in", "it was too dark to see")),
        ("dug a small hole", "digging a small hole",
         ("the hole filled up with water", "there was just an old boot inside")),
        ("put up a little sign", "putting up a little sign",
         ("nobody read the sign", "the rain washed the letters away")),
    ),
    "reach": (
        ("set off along a narrow path", "setting off along a narrow path",
         ("the path ended at a muddy puddle", "a fallen tree blocked the way")),
        ("tried a shortcut", "trying a shortcut",
         ("the shortcut went round in a circle", "the sign pointed the wrong way")),
        ("asked {helper} the way", "asking {helper} the way",
         ("{the_helper} only knew the way to the shops", "{the_helper} pointed the wrong way")),
        ("climbed over the rocks", "climbing over the rocks",
         ("the rocks were too slippery", "the wind pushed {Hero} back")),
        ("tried to cross the stream", "crossing the stream on stepping stones",
         ("the stream was too wide to cross", "a stone wobbled and {Hero} got wet feet")),
        ("drew a careful map", "drawing a careful map",
         ("the wind blew the map away", "the map led straight back home")),
        ("borrowed a long ladder", "carrying a long ladder",
         ("the ladder was too short", "the ladder sank into the mud")),
        ("followed the old signposts", "following the old signposts",
         ("the signposts had all fallen down", "the fog hid the next signpost")),
        ("set out before anyone was awake", "setting out with a lantern",
         ("the lantern ran out of oil", "it was too dark to see the way")),
        ("tried a new way round", "trying a new way round",
         ("a bridge was too wobbly to cross", "a gate was locked tight")),
    ),
    "mend": (
        ("asked {helper} for advice", "asking {helper} for advice",
         ("{the_helper} had no idea either", "{the_helper}'s advice only made things worse")),
        ("read an old book for ideas", "reading an old book for ideas",
         ("the book had no answer", "the pages were too faded to read")),
        ("made a long list of ideas", "making a long list of ideas",
         ("none of the ideas worked", "the list blew away in the wind")),
        ("tried being very patient", "waiting patiently",
         ("nothing changed at all", "the waiting went on and on")),
        ("tried a clever trick", "trying a clever trick",
         ("the trick did not work", "the trick went wrong with a pop")),
        ("sang a cheerful song", "singing a cheerful song",
         ("the song did not help", "a dog howled along and spoiled it")),
        ("built a clever machine", "building a clever machine",
         ("the machine went bang", "the machine only made bubbles")),
        ("wrote down a careful plan", "writing down a careful plan",
         ("the plan had a big hole in it", "the plan was much too hard")),
        ("tried the oldest trick in the book", "trying the oldest trick in the book",
         ("it was much too old to work", "it only worked in books")),
        ("asked everyone for ideas", "asking everyone for ideas",
         ("nobody had a good one", "everyone had a different idea")),
    ),
}
ATTEMPT_HOPES = (
    "hoping to {goal}", "with {Friend} close behind", "sure that this time it would work",
    "humming to stay brave", "full of hope", "with a brand new idea", "without giving up",
    "taking great care",
)
ATTEMPT_OUTCOMES = (
    "so {Hero} had to think again", "and {Hero} let out a long sigh", "so it was time for a new plan",
    "and {Friend} gave a sad little shrug", "and that was the end of that idea",
    "and the day slipped away", "and {Hero} still could not {goal}",
)
ATTEMPT_EXTRA = (
    "{Hero} did not give up.",
    "{Hero} sat down and had a think[ with chin in hands].",
    "{Friend} said, \"Let's try again tomorrow.\"",
    "{Hero} felt tired, but hopeful[, like a lamp still burning low].",
    "[The day was long, and ]{Hero}'s feet were sore.",
    "{Hero} wrote down what had gone wrong[ in a small notebook].",
    "There had to be another way.",
)
# after the turn sentence: the hero sees the answer and acts on it
TURN = (
    "{Hero}'s eyes grew wide[ with surprise].",
    "At last, {Hero} knew what to do.",
    "{Hero} could hardly believe it.",
    "It was the best idea {Hero} had ever had.",
    "{Hero} hurried to tell {Friend}[, too excited to walk].",
    "All the failed tries suddenly made sense.",
)
# after the resolution sentence: the celebration and the calm close
ENDING = (
    "That night, {Hero} fell asleep {at_setting}, happy and tired.",
    "Everyone cheered for {Hero}[, even the grumpy neighbour next door].",
    "{Hero} and {Friend} shared a big slice of cake.",
    "And from then on, {Hero} was never afraid to try.",
    "{Hero} smiled[ a wide, proud smile].",
    "It had been a long day, but a very good one.",
)
HABITS = (
    "said hello to the sun", "counted the birds on the fence", "watched the clouds drift by",
    "hummed a little song", "tidied up with great care", "went for a short walk",
    "looked out of the window", "shared breakfast with {Friend}",
)
SIMILES = {
    "red": "ripe cherries", "pink": "a summer rose", "orange": "a pumpkin", "yellow": "the sun",
    "golden": "honey", "gold": "honey", "green": "spring leaves", "blue": "the sky", "teal": "the sea",
    "purple": "plums", "white": "fresh snow", "black": "the night", "grey": "a rain cloud",
    "brown": "warm toast", "tan": "sand", "cream": "fresh milk", "silver": "the moon",
    "ginger": "autumn leaves", "beige": "a biscuit", "rust": "autumn leaves", "coral": "a sea shell",
}
LIGHT_WORDS = {"warm": "golden", "funny": "bouncy", "spooky": "pale", "calm": "soft", "exciting": "bright"}

# (stages, line) by tone: the mood of the story, tagged with the stages each line fits
TONE_LINES = {
    "warm": (
        ("b", "A kind breeze smelled of warm bread."), ("b", "Somewhere, a kettle was singing."),
        ("b", "Everyone waved hello[ from their windows]."), ("b", "The flowers nodded as if to say hello."),
        ("bt", "A robin sang a cheerful song."), ("p", "{Friend} promised to help[ in any way at all]."),
        ("p", "Even so, {Hero} felt a little braver with {Friend} nearby."),
        ("a", "{Friend} brought {Hero} a warm drink and a kind word."),
        ("a", "A robin hopped along beside {Hero}, as if to say: keep going."),
        ("a", "Kind words from {Friend} made the long day feel lighter."),
        ("t", "{Hero}'s heart felt warm and light."), ("t", "The sun came out from behind a cloud."),
        ("e", "{Friend} gave {Hero} a big hug."), ("e", "{Hero} felt safe and loved."),
        ("e", "There was always room for one more friend."), ("e", "A cup of cocoa waited at home."),
    ),
    "funny": (
        ("ba", "A duck quacked, as if it had a joke to tell."), ("b", "A goat ate the shopping list."),
        ("b", "A pigeon wore a tiny crown of leaves."), ("b", "{Friend} wore a teapot as a hat."),
        ("p", "Somebody's tummy rumbled like thunder."), ("p", "A cow mooed in a surprisingly high voice."),
        ("a", "{Hero} tripped over a very rude pebble."), ("a", "A snail raced past and won."),
        ("a", "The wind blew {Hero}'s hair into a funny shape."),
        ("a", "{Hero} sneezed so hard that a hat flew off."),
        ("te", "Even the trees seemed to giggle."), ("t", "A worm did a little dance."),
        ("e", "A worm did a little victory dance."),
        ("e", "{Friend} laughed until a hiccup popped out."),
    ),
    "spooky": (
        ("bp", "Somewhere, a door creaked all by itself."), ("b", "The moon peeked out from behind a cloud."),
        ("b", "A cat's eyes glowed in the gloom."), ("p", "An owl hooted three times."),
        ("p", "The candle flickered, though there was no wind."), ("pa", "The shadows grew long and thin."),
        ("a", "A cold mist curled around {Hero}'s feet."), ("a", "Something rustled in the bushes."),
        ("a", "A floorboard creaked[ in the empty room]."), ("a", "A bat flitted past."),
        ("a", "Leaves whispered in the dark."), ("t", "Somewhere far off, an owl hooted as if to say well done."),
        ("t", "The mist began to lift."), ("e", "The shadows did not seem so spooky any more."),
        ("e", "Somewhere an old owl hooted a friendly goodnight."),
    ),
    "calm": (
        ("b", "The clouds drifted slowly by."), ("b", "Everything was quiet and still."),
        ("b", "A soft wind rocked the grass."), ("b", "Far away, a bell rang softly."),
        ("p", "{Hero} took a slow, deep breath."), ("p", "The light was soft and gentle."),
        ("a", "A leaf floated down[ like a little boat]."), ("a", "The river hummed a sleepy song."),
        ("a", "A sleepy bee buzzed past."), ("a", "{Hero} rested for a while in the shade."),
        ("t", "Everything went very still, as if the world was listening."),
        ("e", "The stars came out one by one."), ("e", "The world seemed to rest."),
        ("e", "Small waves lapped at the shore."),
    ),
    "exciting": (
        ("b", "Thunder rumbled in the distance."), ("b", "The wind roared past."),
        ("p", "There was no time to lose!"), ("p", "{Hero}'s heart went thump, thump, thump."),
        ("a", "Would {Hero} make it in time?"), ("a", "{Hero} ran faster than ever before."),
        ("a", "{Hero} leapt over a puddle."), ("a", "A great crash echoed around."),
        ("a", "{Friend} shouted, \"Quick, this way!\""), ("t", "Everything happened at once!"),
        ("t", "The ground shook for a moment."), ("e", "Sparks of joy flew in every direction."),
        ("e", "{Hero} punched the air and cheered."),
    ),
}

# (stages, line): longer sentences only adults get, always about this story
ADULT_LINES = (
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
)

# Words that contradict each other on one page ("called out loudly, as quietly as a mouse").
CLASHES = (
    ({"loudly", "loud", "noisy", "shouted", "crash", "roared", "thunder", "calling", "called"},
     {"quietly", "quiet", "softly", "silent", "silence", "hush"}),
    ({"humming"}, {"quietly", "silent", "silence", "hush", "loudly", "calling", "called", "shouted"}),
    ({"rain", "rainy", "storm", "raining"}, {"sunshine", "sunny", "sunlight"}),
    ({"night", "dark", "moon", "stars", "supper", "evening"}, {"morning", "sunrise", "noon", "breakfast"}),
)


# revisions -------------------------------------------------------------------------------------

# hard words and easier ones of the same kind, by lemma: a person's own sentences in a "simpler"
# revision get the easier word in the same form ("discovered" -> "found"), never a word deleted
SIMPLER_LEMMAS = {
    "discover": "find", "notice": "see", "travel": "go", "wander": "walk", "decide": "choose",
    "recognise": "know", "recognize": "know", "believe": "think", "possess": "have", "disappear": "go",
    "purchase": "buy", "attempt": "try", "observe": "watch", "realise": "see", "realize": "see",
    "exclaim": "shout", "enormous": "huge", "beautiful": "pretty", "difficult": "hard",
    "extraordinary": "strange", "wonderful": "great", "frightened": "scared", "delicious": "tasty",
    "ordinary": "plain", "exhausted": "tired", "magnificent": "grand", "terrible": "bad",
    "tremendous": "huge", "gigantic": "huge", "ancient": "old", "conversation": "talk",
    "possibility": "chance", "journey": "trip", "adventure": "trip", "beginning": "start",
    "immediately": "at once", "carefully": "with care", "finally": "at last", "astonished": "amazed",
}
FUNNY_LINES = (
    "A passing goose honked, which is goose for \"ha ha\".",
    "{Hero} laughed so hard that a button popped off.",
    "Even the clouds looked like they were trying not to giggle.",
    "A squirrel dropped a nut on {Hero}'s head and said sorry.",
    "Somewhere a frog burped, loudly and proudly.",
    "{Friend} pulled a face so silly that a snail fainted.",
    "{Hero}'s tummy made a noise like a trombone.",
    "A sheep said \"baa\" in a very posh voice.",
    "{Hero} tried to whistle, but only a raspberry came out.",
    "A bumblebee bumped into {Hero}'s nose and buzzed an apology.",
    "The wind blew {Friend}'s hat onto a cow, and the cow kept it.",
    "A worm waved, and nobody knew worms could wave.",
    "{Hero} sneezed, and three pigeons fell over in surprise.",
    "A sock was found on the roof, and nobody ever knew how.",
    "The cat next door rolled its eyes at everybody.",
    "{Hero} did a victory dance that looked a lot like a wobbly jelly.",
    "A duck wearing a tiny scarf walked past as if it owned the place.",
    "Somebody's pocket was full of jelly, and it was not {Hero}'s.",
    "{Friend} laughed so much that a hiccup came out.",
    "A hedgehog rolled past like a prickly football.",
    "The teapot seemed to snigger, steaming out of its spout.",
    "A mouse shouted \"cheese!\" and ran off, for no reason at all.",
    "A pigeon tried to eat a shoelace and looked very confused.",
    "Even a grumpy old crab cracked a smile.",
    "{Hero}'s hair stood up like a surprised hedgehog.",
    "A carrot rolled by, probably on its way somewhere important.",
)
EXCITING_LINES = (
    "Suddenly, a loud bang made everyone jump!", "{Hero}'s heart was racing!",
    "There was not a second to lose!", "A strong wind howled all around!",
    "{Hero} sprinted ahead, faster and faster!", "The ground trembled under their feet!",
    "A flash of lightning lit up the sky!", "Something huge moved in the shadows!",
    "{Friend} yelled, \"Watch out!\"", "Could {Hero} do it in time?",
    "The clock was ticking louder and louder!", "A door slammed somewhere close by!",
    "{Hero} jumped over a gap, just in time!", "Everything was spinning!",
    "Hooves thundered along the road!", "A wave crashed right beside them!",
    "Sparks flew in the dark!", "Then came a deep, mighty rumble!",
    "The race was on!", "{Hero} held on tight!", "A huge shadow swept overhead!",
    "Branches snapped like fireworks!", "The bell rang out, loud and urgent!",
    "{Hero} dived behind a rock!",
)
CALM_LINES = (
    "The wind hummed a soft song.", "Everything grew quiet and still.",
    "{Hero} breathed in slowly, and out slowly.", "A warm blanket of evening settled down.",
    "The stars twinkled, one by one.", "Far off, the sea whispered to the sand.",
    "A sleepy owl blinked and yawned.", "The moon rose, round and kind.",
    "Soft rain tapped gently on the roof.", "The grass swayed like a slow sea.",
    "A candle glowed softly by the window.", "{Hero} felt cosy and safe.",
    "The birds tucked their heads under their wings.", "A cat curled up in a patch of sun.",
    "The river murmured on its way.", "Slowly, the sky turned pink and gold.",
    "Everything could wait until tomorrow.", "{Friend} yawned a long, slow yawn.",
    "The clouds moved slowly, like sleepy sheep.", "The lamps came on, warm and low.",
    "Crickets sang a quiet tune.", "The leaves whispered goodnight.",
    "A soft breeze smelled of lavender.", "The world was peaceful.",
)
DETAIL_LINES = (
    "The air smelled of rain and grass.", "{Hero} could hear birds singing nearby.",
    "The sky was a wide, pale blue.", "A little path wound between the stones.",
    "Sunlight made patterns on the ground.", "{Friend} hummed a tune while they walked.",
    "The wind carried the smell of the sea.", "Far away, a dog barked twice.",
    "Tiny flowers grew along the way.", "The road was bumpy and long.",
    "{Hero} noticed how the shadows moved.", "The ground was soft and damp.",
    "A butterfly fluttered past.", "There was a smell of cinnamon in the air.",
    "The houses had bright painted doors.", "{Hero} stopped to tie a shoelace.",
    "A church bell rang in the distance.", "The leaves were turning gold.",
    "The water sparkled in the light.", "A small boat bobbed on the water.",
    "{Friend} pointed at a rainbow.", "The old walls were covered in ivy.",
    "Puddles shone like little mirrors.", "Chimney smoke curled up into the sky.",
    "{Hero} felt the sun on both cheeks.", "A fox watched them from the hedge.",
)

# Filler lines that would only echo a line already on the page ("did not give up" beside
# "without giving up"): at most one line per group on a page.
ECHOES = (
    {"giving", "give"}, {"learned", "taught", "learn"}, {"notebook", "wrote"}, {"hope", "hopeful"},
    {"sat", "rested", "resting"}, {"tired", "sore"}, {"hug", "hugged"}, {"cheered", "cheer"},
    {"think", "thought"}, {"idea", "ideas"}, {"afternoon", "long"},
)
# methods that need the open air: never told in an attic or under the stairs
OUTDOOR_METHODS = {"dug a small hole", "climbed up high to look around", "looked under every stone",
                   "climbed over the rocks", "tried to cross the stream", "set off along a narrow path"}

# Where the attempts of each problem happen: places the problem itself points at (the compass
# rolled down the hill, so the hero searches the hillside), never a random spot in town.
PROBLEM_PLACES = {
    "silver compass": ("at the bottom of the hill", "in the long grass on the hillside", "on the muddy path",
                       "under the hedge by the gate", "among the rocks on the slope", "beside the little stream"),
    "hidden waterfall": ("on the riverbank", "in the rocky valley", "among the tall ferns",
                         "by the old mill", "beside the rushing stream", "at the foot of the cliffs"),
    "top of Windy Hill": ("on the steep lower slope", "on the sheep track", "by the old stone wall",
                          "among the windy gorse bushes", "at the rocky ledge", "halfway up the hill"),
    "runaway kite": ("on the garden wall", "in the park", "by the tall trees", "by the high fence",
                     "in the open field", "down by the pond"),
    "light on the island": ("on the shore", "at the end of the jetty", "on the harbour wall",
                            "beside the little boats", "on the sandy beach", "on the cliff path"),
    "missing key": ("under the sofa", "in the kitchen drawers", "behind the bookcase", "by the back door",
                    "in the coat pockets", "beside the old box"),
    "tapping sound": ("in the dark hallway", "up in the attic", "by the cellar door", "beside the old clock",
                      "under the floorboards", "near the back window"),
    "footprints in the flour": ("on the kitchen floor", "under the table", "beside the pantry",
                                "behind the bread bin", "by the kitchen door", "on the kitchen shelves"),
    "secret note": ("under the stairs", "beside the front door", "in the hall cupboard",
                    "behind the coat rack", "under the doormat", "in the letterbox"),
    "vanished cake": ("under the party table", "in the kitchen", "behind the sofa", "in the garden",
                      "by the dog's basket", "beside the front door"),
    "shy newcomer": ("at the school gate", "in the playground", "by the sandpit", "at the lunch table",
                     "near the bike shed", "in the park"),
    "quarrel about the swing": ("in the playground", "by the swing", "at the garden gate", "on the park bench",
                                "by the slide", "under the climbing frame"),
    "friend who was moving away": ("in the bedroom full of boxes", "by the moving van", "at the kitchen table",
                                   "in the garden", "on the front step", "at the corner shop"),
    "lonely neighbour": ("at the neighbour's gate", "by the garden fence", "on the doorstep next door",
                         "under the neighbour's window", "at the bus stop", "in the shared garden"),
    "lost puppy": ("on the high street", "at the park gates", "by the vet's door", "outside the shops",
                   "at the bus stop", "beside the duck pond"),
    "silent songs": ("in the castle courtyard", "at the village square", "by the music hall",
                     "at the wizard's tower", "in the silent chapel", "beside the town well"),
    "golden apple": ("on the road to the far orchard", "at the orchard gate", "by the old stone bridge",
                     "in the wild meadow", "at the edge of the enchanted wood", "among the apple trees"),
    "giant's lost button": ("on the giant's road", "in the tall grass of the valley", "by the giant's garden",
                            "under the hedges", "in the village square", "at the foot of the beanstalk"),
    "frozen rose garden": ("among the frozen roses", "by the frosty garden wall", "beside the icy fountain",
                           "under the snowy arch", "in the cold greenhouse", "by the garden gate"),
    "mirror that lost its voice": ("in the castle hall", "at the top of the winding stairs", "in the throne room",
                                   "beside the castle well", "in the echoing tower", "in the castle kitchen"),
    "silent engine": ("in the engine room", "in the dark corridor", "behind the control panel",
                      "in the fuel bay", "on the bridge of the ship", "in the tool store"),
    "signal from a blue planet": ("in the radio room", "by the big telescope", "on the bridge of the ship",
                                  "in the map room", "at the satellite dish", "on the observation deck"),
    "robot who forgot how to dream": ("in the robot workshop", "by the charging station", "in the quiet sleep pod",
                                      "in the data room", "on the observation deck", "in the greenhouse dome"),
    "dark moon base": ("in the power room", "in the dark tunnels", "by the main switch", "at the airlock",
                       "in the storage bay", "in the control room"),
    "lost falling star": ("in the crater", "on the launch pad", "by the big telescope", "in the junk yard",
                          "on the highest hill", "in the rocket workshop"),
    "sneezing hat": ("in the hat shop", "at the bathroom mirror", "in the windy garden", "in the wardrobe",
                     "at the doctor's office", "on the front porch"),
    "runaway socks": ("under the beds", "behind the radiator", "in the laundry basket", "on the washing line",
                      "in the sock drawer", "down the back of the sofa"),
    "cake that grew too big": ("in the kitchen", "on the garden lawn", "at the town square", "in the bakery",
                               "on the roof", "by the front door"),
    "hiccups": ("in the town square", "at the town hall", "by the fish pond", "at the school",
                "in the market", "at the doctor's office"),
    "upside-down day": ("in the upside-down garden", "on the ceiling of the kitchen", "in the topsy-turvy street",
                        "at the upside-down park", "in the school hall", "on the village green"),
}
# places under a roof (or up off the ground): no digging, climbing or stone-turning there
INDOOR_PLACES = {
    "by the kitchen door", "by the back door", "under the doormat", "in the letterbox", "beside the front door",
    "under the stairs", "in the engine room", "in the robot workshop",
    "on the bridge of the ship",
    "in the greenhouse dome",
    "under the sofa", "in the kitchen drawers", "behind the bookcase", "in the coat pockets", "beside the old box",
    "in the dark hallway", "up in the attic", "by the cellar door", "beside the old clock", "under the floorboards",
    "on the kitchen floor", "under the table", "beside the pantry", "behind the bread bin",
    "on the kitchen shelves", "in the hall cupboard", "behind the coat rack", "under the party table",
    "in the kitchen", "behind the sofa", "by the dog's basket", "in the bedroom full of boxes",
    "at the kitchen table", "in the silent chapel", "by the music hall", "in the castle hall",
    "at the top of the winding stairs", "in the throne room", "in the echoing tower", "in the castle kitchen",
    "in the dark corridor", "behind the control panel", "in the fuel bay", "in the tool store",
    "in the radio room", "in the map room", "on the observation deck", "by the charging station",
    "in the quiet sleep pod", "in the data room", "in the power room", "in the dark tunnels",
    "by the main switch", "at the airlock", "in the storage bay", "in the control room", "in the rocket workshop",
    "in the hat shop", "at the bathroom mirror", "in the wardrobe", "at the doctor's office", "under the beds",
    "behind the radiator", "in the laundry basket", "in the sock drawer", "down the back of the sofa",
    "in the bakery", "at the town hall", "at the school", "on the ceiling of the kitchen", "in the school hall",
    "in the cold greenhouse", "by the big telescope",
    "on the washing line", "on the roof",
}

# a spare line is "{Hero} saw {sight} {where}.": for a page that needs one more line when every
# pool is spent (a very long story), so no page ever repeats another
SPARE_SIGHTS = (
    "two white ducks", "a red boat", "a tall old tree", "a yellow bird", "three grey stones",
    "a small brown snail", "a blue door", "a row of little houses", "a green frog", "a striped cat",
    "a lost glove", "a bright kite", "an old cart", "a pile of leaves", "a busy bee",
)
SPARE_WHERE = ("near the path", "by the gate", "on the way", "in the distance", "close by",
               "at the corner", "beside a wall", "under a bush", "by the water", "on a step")

# Wordings: a word of the templates and other words in exactly the same form and role, written
# out by hand ("hurried" -> "rushed", never a lemma guessed). `with_wordings` turns each into a
# `<...>` choice group, from which `core.offline.wordlist.choose` takes the reader's grade: the
# commonest for young readers and "simpler", the richer ones for adults, "*" vivid for "exciting".
WORDINGS = {
    "happy": "happy|glad|cheerful|*overjoyed", "tired": "tired|weary|exhausted",
"hurried": "hurried|rushed|*raced", "ran": "ran|*raced|*dashed",
    "found": "found|discovered", "saw": "saw|noticed|spotted", "quiet": "quiet|hushed|peaceful",
    "strange": "strange|odd|peculiar|mysterious", "cold": "cold|chilly|icy", "bright": "bright|brilliant|*dazzling",
    "shining": "shining|gleaming|glittering", "slowly": "slowly|gently|unhurriedly",
    "suddenly": "suddenly|unexpectedly", "beautiful": "beautiful|lovely|magnificent",
    "sparkled": "sparkled|glittered|shimmered",
    "whispered": "whispered|murmured", "laughed": "laughed|giggled|chuckled",
    "shouted": "shouted|yelled|*bellowed", "jumped": "jumped|leapt|*sprang", "afraid": "afraid|scared|frightened",
    "worried": "worried|anxious|uneasy", "brave": "brave|courageous", "clever": "clever|smart|ingenious",
    "everyone": "everyone|everybody", "nobody": "nobody|no one", "path": "path|track|trail",
    "tiny": "tiny|little", "huge": "huge|enormous|*gigantic", "big": "big|large|enormous",
    "loved": "loved|adored|treasured", "wanted": "wanted|longed|wished",
    "gloom": "gloom|darkness|shadows", "noticed": "noticed|saw|observed",
    "spotted": "spotted|saw|glimpsed", "glowed": "glowed|shone|gleamed",
    "drifted": "drifted|floated|wandered", "cheerful": "cheerful|merry|jolly",
    "hugged": "hugged|embraced", "surprise": "surprise|astonishment|amazement",
    "proud": "proud|delighted", "carefully": "carefully|cautiously", "wonderful": "wonderful|marvellous|splendid",
    "sure": "sure|certain|convinced", "wrong": "wrong|amiss", "idea": "idea|plan|notion",
}
_WORDING = re.compile(r"\{[^}]*\}|<[^>]*>|\b(" + "|".join(WORDINGS) + r")\b")


def with_wordings(template: str) -> str:
    """The template with every word of WORDINGS (outside slots and choices) made a choice."""
    return _WORDING.sub(lambda m: f"<{WORDINGS[m.group(1)]}>" if m.group(1) else m.group(0), template)


def _pool(lines):
    return tuple((line[0], with_wordings(line[1])) if isinstance(line, tuple) else with_wordings(line)
                 for line in lines)


BEGIN, PROBLEM, ATTEMPT_EXTRA, TURN, ENDING = (_pool(p) for p in (BEGIN, PROBLEM, ATTEMPT_EXTRA, TURN, ENDING))
ADULT_LINES, DETAIL_LINES, ATTEMPT_HOPES, ATTEMPT_OUTCOMES = (
    _pool(p) for p in (ADULT_LINES, DETAIL_LINES, ATTEMPT_HOPES, ATTEMPT_OUTCOMES))
FUNNY_LINES, EXCITING_LINES, CALM_LINES = (_pool(p) for p in (FUNNY_LINES, EXCITING_LINES, CALM_LINES))
# a line of the revision's mood on every page ("funnier", "more exciting", "calmer")
MOOD_LINES = {"funny": FUNNY_LINES, "exciting": EXCITING_LINES, "calm": CALM_LINES}
TONE_LINES = {tone: _pool(lines) for tone, lines in TONE_LINES.items()}
PROBLEMS = {genre: tuple({k: with_wordings(v) if k in ("trouble", "turn", "end") else v for k, v in p.items()}
                         for p in problems) for genre, problems in PROBLEMS.items()}
