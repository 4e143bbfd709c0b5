"""The words the offline illustrator understands in a picture prompt, grouped by what they ask for.

Kept apart from `core.offline.prompt_words` (which reads a prompt with them) so that the lists can
grow without touching the reading. Phrases are written as they are typed ("close-up", "at night");
the reader lower-cases the prompt and matches whole words, longest phrase first. Nouns are written
singular: the reader also knows their plurals (`plural`).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# style: the words that name one of the offline filters (the first one a prompt names wins)
STYLE_WORDS: dict[str, str] = {
    "watercolour": "watercolour", "watercolours": "watercolour", "watercolor": "watercolour",
    "watercolors": "watercolour", "aquarelle": "watercolour", "gouache": "watercolour",
    "ink": "ink", "pen and ink": "ink", "line drawing": "ink", "line art": "ink", "sketch": "ink",
    "pencil sketch": "ink", "black and white": "ink", "etching": "ink", "cross-hatching": "ink",
    "pastel": "pastel", "pastels": "pastel", "chalk": "pastel", "crayon": "pastel",
    "crayons": "pastel",
    "comic": "comic", "comics": "comic", "comic book": "comic", "comic-book": "comic",
    "cartoon": "comic", "pop art": "comic", "halftone": "comic", "manga": "comic",
    "photo": "photo", "photograph": "photo", "photographic": "photo", "photorealistic": "photo",
    "realistic": "photo", "cinematic": "photo",
}
# styles no offline filter draws: reported as not honoured
OTHER_STYLES = (
    "oil painting", "oil paint", "acrylic", "pixel art", "3d render", "3d", "render", "anime",
    "claymation", "clay", "lego", "mosaic", "stained glass", "embroidery", "origami", "low poly",
    "vaporwave", "graffiti", "woodcut", "linocut", "impressionist", "cubist", "surreal",
)

# distance of the framing
DISTANCE_WORDS: dict[str, str] = {
    "extreme close-up": "close", "close-up": "close", "close up": "close", "closeup": "close",
    "close shot": "close", "close view": "close", "portrait of": "close", "headshot": "close",
    "head and shoulders": "close", "tight shot": "close", "zoomed in": "close", "zoom in": "close",
    "detail of": "close", "up close": "close", "portrait": "close",
    "medium shot": "medium", "mid shot": "medium", "half-length": "medium", "waist up": "medium",
    "medium view": "medium",
    "wide view": "wide", "wide shot": "wide", "wide angle": "wide", "wide-angle": "wide",
    "long shot": "wide", "establishing shot": "wide", "panorama": "wide", "panoramic": "wide",
    "from afar": "wide", "from a distance": "wide", "in the distance": "wide", "far away": "wide",
    "full view": "wide", "whole scene": "wide", "zoomed out": "wide", "zoom out": "wide",
    "seen from afar": "wide", "full-length": "wide", "full length": "wide",
    "whole body": "wide",
}
# the camera's height
ANGLE_WORDS: dict[str, str] = {
    "from above": "above", "bird's-eye view": "above", "bird's eye view": "above",
    "bird's-eye": "above", "bird's eye": "above", "birds-eye": "above", "aerial view": "above",
    "overhead": "above", "top-down": "above", "top down": "above", "high angle": "above",
    "high-angle": "above", "looking down": "above", "looking down at": "above",
    "from below": "below", "low angle": "below", "low-angle": "below", "worm's-eye view": "below",
    "worm's eye view": "below", "looking up": "below", "looking up at": "below",
    "from the ground": "below",
}
# time of day (the first one a prompt names wins)
TIME_WORDS: dict[str, str] = {
    "night": "night", "nighttime": "night", "night-time": "night", "at night": "night",
    "midnight": "night", "tonight": "night", "moonlight": "night", "moonlit": "night",
    "by moonlight": "night", "moon": "night", "under the stars": "night", "starry": "night",
    "starlit": "night", "stars": "night", "in the dark": "night", "after dark": "night",
    "dusk": "dusk", "sunset": "dusk", "sundown": "dusk", "twilight": "dusk", "evening": "dusk",
    "golden hour": "dusk", "nightfall": "dusk", "late afternoon": "dusk",
    "dawn": "dawn", "sunrise": "dawn", "daybreak": "dawn", "early morning": "dawn",
    "morning": "dawn", "first light": "dawn", "morning light": "dawn",
    "noon": "noon", "midday": "noon", "high noon": "noon", "daylight": "noon", "daytime": "noon",
    "broad daylight": "noon", "sunny": "noon", "sunshine": "noon", "sunlit": "noon",
    "in the sun": "noon", "afternoon": "noon", "sunny day": "noon", "bright day": "noon",
    "during the day": "noon", "by day": "noon", "in the daytime": "noon",
}
WEATHER_WORDS: dict[str, str] = {
    "fog": "mist", "foggy": "mist", "mist": "mist", "misty": "mist", "haze": "mist",
    "hazy": "mist",
    "rain": "rain", "raining": "rain", "rainy": "rain", "drizzle": "rain", "downpour": "rain",
    "storm": "rain", "stormy": "rain", "in the rain": "rain", "rainstorm": "rain",
    "snow": "snow", "snowing": "snow", "snowy": "snow", "snowfall": "snow", "blizzard": "snow",
    "snowflakes": "snow", "falling snow": "snow",
}

# subjects the photo analysis can find, by the detection they mean
CAT_WORDS = ("cat", "kitten", "kitty", "tabby", "moggy", "puss", "pussycat", "tomcat")
FACE_WORDS = ("face",)
FACE_PARTS = ("eye", "smile", "nose", "expression", "mouth", "ear")
FIGURE_WORDS = ("figure", "body", "silhouette")
PERSON_WORDS = (
    "person", "man", "woman", "boy", "girl", "child", "kid", "baby", "toddler", "lady",
    "gentleman", "grandmother", "grandfather", "grandma", "grandpa", "granny", "teacher",
    "farmer", "pilot", "doctor", "nurse", "knight", "princess", "prince", "king", "queen",
    "wizard", "witch", "pirate", "sailor", "student", "dancer", "musician", "chef", 
    "baker", "painter", "artist", "gardener", "fisherman", "scientist", "explorer", "climber",
    "skier", "surfer", "runner", "player", "clown", "firefighter", "soldier", "captain",
    "mother", "father", "mum", "mom", "dad", "sister", "brother", "traveller", "traveler",
    "hiker", "astronaut", "spaceman", "cosmonaut", "adventurer", "hero", "heroine", "friend",
    "stranger", "neighbour", "neighbor", "villager", "shopkeeper", "driver", "rider", "singer",
    "reader", "writer", "inventor", "detective", "ranger", "engineer", "builder", "worker",
    "human", "crowd", "family", "team", "couple",
)
# collective nouns that mean more than one person
MANY_WORDS = ("crowd", "family", "team", "couple")

# things the offline engine cannot add to a photo: named back to the person when a prompt asks
THING_WORDS = (
    # animals it cannot find
    "dog", "puppy", "pup", "fox", "rabbit", "bunny", "hare", "bear", "horse", "pony", "donkey",
    "mouse", "rat", "hamster", "squirrel", "hedgehog", "bird", "owl", "duck", "duckling",
    "chicken", "hen", "parrot", "penguin", "swan", "goose", "robin", "fish", "frog", "turtle",
    "tortoise", "snail", "lion", "tiger", "elephant", "giraffe", "zebra", "monkey", "cow",
    "sheep", "lamb", "goat", "pig", "butterfly", "bee", "ladybird", "ladybug", "wolf", "deer",
    "otter", "badger", "raccoon", "koala", "panda", "seal", "dolphin", "whale", "octopus",
    "crab", "spider", "snake", "lizard", "crocodile", "camel", "kangaroo", "beetle", "ant",
    "dragonfly", "moth", "bat", "hedgehog", "mole", "beaver", "eagle", "crow", "magpie",
    "pigeon", "seagull", "gull", "heron", "stork", "flamingo", "peacock", "puffin", "animal",
    "pet", "creature",
    # creatures of stories
    "dragon", "unicorn", "dinosaur", "fairy", "mermaid", "ghost", "monster", "giant", "troll",
    "goblin", "elf", "gnome", "dwarf", "robot", "alien", "vampire", "zombie", "phoenix",
    "griffin", "pegasus", "yeti", "sea serpent", "spaceship", "ufo",
    # objects
    "cup", "mug", "teacup", "coffee", "tea", "teapot", "kettle", "car", "bicycle", "bike",
    "boat", "ship", "train", "plane", "aeroplane", "airplane", "rocket", "kite", "ball",
    "balloon", "hat", "crown", "book", "lamp", "lantern", "clock", "toy", "teddy", "teddy bear",
    "doll", "chair", "table", "umbrella", "shoe", "boot", "guitar", "piano", "violin", "drum",
    "candle", "key", "box", "bottle", "bag", "basket", "bowl", "plate", "saucer", "bench",
    "door", "ladder", "rope", "string", "map", "compass", "magnifying glass", "telescope",
    "camera", "radio", "computer", "phone", "sword", "shield", "wand", "treasure",
    "treasure chest", "chest", "coin", "gift", "letter", "flag", "sign",
    "signpost", "wheel", "cart", "wagon", "sled", "sledge", "tent", "backpack", "rucksack",
    "bucket", "spade", "shovel", "net", "fishing rod", "paintbrush", "brush", "pencil", "pen",
    "scissors", "hammer", "bell", "whistle", "mirror", "window", "snowman", "scarecrow",
    "tractor", "bus", "truck", "lorry", "helmet", "spacesuit", "coat", "jacket", "scarf",
    "glove", "mitten", "sock", "dress", "cloak", "cape", "glasses", "necklace", 
    "feather", "shell", "egg", "nest", "hourglass", "jar", "vase", "pot", "blanket", "pillow",
    "bed", "sofa", "rug", "carpet", "fence", "gate", "wall", "roof",
    "chimney", "stairs", "staircase", "sandcastle", "hot air balloon", "parachute", "kayak",
    "canoe", "raft", "submarine", "satellite", "planet", "comet", "rainbow", "cloud", "clouds",
    "lightning", "fire", "campfire", "smoke", "bubble", "bubbles",
    # food
    "cake", "cookie", "biscuit", "apple", "pear", "banana", "strawberry", "cherry",
    "berry", "berries", "bread", "sandwich", "pie", "pizza", "cheese", "honey", "jam",
    "ice cream", "sweets", "candy", "chocolate", "soup", "carrot", "pumpkin", "mushroom",
    "picnic", "feast", "breakfast", "dinner", "lunch", "croissant",
    # plants
    "tree", "oak", "oak tree", "pine", "flower", "tulip", "sunflower", "daisy", "leaf",
    "leaves", "grass", "bush", "hedge", "cactus", "plant", "vine", "seed", "acorn", "branch",
    "branches", "log", "stump", "root", "roots",
    # places
    "house", "cottage", "cabin", "hut", "castle", "palace", "tower", "bridge",
    "lighthouse", "windmill", "barn", "farm", "school", "classroom", "library", "shop",
    "bakery", "cafe", "café", "market", "station", "train station", "harbour", "harbor", "port",
    "pier", "beach", "shore", "coast", "sea", "ocean", "lake", "pond", "river", "stream",
    "waterfall", "brook", "fountain", "island", "mountain", "mountains", "hill",
    "hills", "valley", "cliff", "cave", "rock", "rocks", "stone", "stones", "stepping stones",
    "forest", "woods", "wood", "jungle", "desert", "meadow", "field", "fields", "garden",
    "orchard", "park", "playground", "zoo", "village", "town", "city", "street", "road", "path",
    "trail", "kingdom", "world", "sky", "space", "outer space", "moon base", "kitchen",
    "bedroom", "living room", "attic", "cellar", "basement", "room", "hall", "porch",
    "balcony", "yard", "backyard", "lawn", "swamp", "marsh", "volcano", "glacier", "iceberg",
    "snowfield", "dune", "dunes", "canyon", "horizon", "landscape", "spray", "water", "sand",
    "mud", "puddle", "ice", 
)

# number words before a noun
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "a single": 1, "single": 1, "lone": 1, "two": 2, "pair of": 2, "a pair of": 2,
    "couple of": 2, "a couple of": 2, "both": 2, "twin": 2, "twins": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "dozen": 12, "a dozen": 12, "several": 3, "a few": 3, "many": 3,
    "lots of": 3, "a lot of": 3, "a group of": 3, "group of": 3, "a crowd of": 3,
    "crowd of": 3, "a herd of": 3, "a flock of": 3, "a family of": 3, "dozens of": 12,
    "hundreds of": 100, "countless": 100,
}
# words that may stand between a number and its noun ("three little grey cats")
NOUN_MODIFIERS = _words("""
    little small tiny big large huge giant old young new happy sad sleepy curious brave
    grey gray white black brown ginger red orange yellow green blue purple pink golden silver
    dark light bright fluffy furry striped spotted kind clever friendly shy wild fat thin tall
    short cute funny lazy playful hungry wet
""")

# framing hints when a prompt names no framing: about the face and feelings -> close; about a
# place or many people -> wide. They steer the crop; they are not reported as honoured.
CLOSE_HINTS = ("face", "eyes", "smile", "smiling", "worried", "worry", "surprise", "tears",
               "expression", "looking at", "thinking", "whisper", "nose", "paw", "paws")
WIDE_HINTS = ("landscape", "view", "whole", "far", "afar", "across", "village", "town", "city",
              "sky", "forest", "sea", "horizon", "distance", "kingdom", "valley", "world",
              "everyone", "crowd", "street", "field", "meadow", "mountains", "beach")

_IRREGULAR = {
    "man": "men", "woman": "women", "child": "children", "person": "people", "mouse": "mice",
    "goose": "geese", "sheep": "sheep", "fish": "fish", "deer": "deer", "wolf": "wolves",
    "leaf": "leaves", "elf": "elves", "dwarf": "dwarves", "knife": "knives", "fairy": "fairies",
    "foot": "feet", "tooth": "teeth", "shelf": "shelves", "loaf": "loaves", "calf": "calves",
    "scarf": "scarves", "policeman": "policemen", "fisherman": "fishermen",
    "spaceman": "spacemen", "gentleman": "gentlemen", "cactus": "cacti", "eye": "eyes",
}


def plural(noun: str) -> str:
    """The plural of a singular noun phrase (its last word is inflected)."""
    head, _, last = noun.rpartition(" ")
    if last in _IRREGULAR:
        word = _IRREGULAR[last]
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        word = last[:-1] + "ies"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word
