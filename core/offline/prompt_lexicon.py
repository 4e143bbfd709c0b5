"""The words the offline illustrator understands in a picture prompt, grouped by what they ask for.

Kept apart from `core.offline.prompt_words` (which reads a prompt with them) so that the lists can
grow without touching the reading. Phrases are written as they are typed ("close-up", "at night"),
separated by commas; the reader lower-cases the prompt and matches whole words, longest phrase
first. Nouns are written singular: the reader also knows their plurals (`plural`).
"""

from __future__ import annotations


def _phrases(text: str) -> tuple[str, ...]:
    """The comma-separated phrases of a text block, in order."""
    return tuple(" ".join(p.split()) for p in text.split(",") if p.strip())


def _by_value(groups: dict) -> dict:
    """{value: "phrase, phrase"} turned into {phrase: value}."""
    return {phrase: value for value, text in groups.items() for phrase in _phrases(text)}


# style: the words that name one of the offline filters (the first one a prompt names wins)
STYLE_WORDS: dict[str, str] = _by_value(
    {
        "watercolour": """
            watercolour, watercolours, watercolor, watercolors, aquarelle, gouache
        """,
        "ink": """
            ink, pen and ink, line drawing, line art, sketch, pencil sketch, black and
            white, etching, cross-hatching
        """,
        "pastel": """
            pastel, pastels, chalk, crayon, crayons
        """,
        "comic": """
            comic, comics, comic book, comic-book, cartoon, pop art, halftone, manga
        """,
        "photo": """
            photo, photograph, photographic, photorealistic, realistic, cinematic
        """,
    }
)

# styles no offline filter draws: reported as not honoured
OTHER_STYLES = _phrases(
    """
    oil painting, oil paint, acrylic, pixel art, 3d render, 3d, render, anime, claymation, clay,
    lego, mosaic, stained glass, embroidery, origami, low poly, vaporwave, graffiti, woodcut,
    linocut, impressionist, cubist, surreal
"""
)

# distance of the framing
DISTANCE_WORDS: dict[str, str] = _by_value(
    {
        "close": """
            extreme close-up, close-up, close up, closeup, close shot, close view,
            portrait of, headshot, head and shoulders, tight shot, zoomed in, zoom in,
            detail of, up close, portrait
        """,
        "medium": """
            medium shot, mid shot, half-length, waist up, medium view
        """,
        "wide": """
            wide view, wide shot, wide angle, wide-angle, long shot, establishing shot,
            panorama, panoramic, from afar, from a distance, in the distance, far away,
            full view, whole scene, zoomed out, zoom out, seen from afar, full-length,
            full length, whole body
        """,
    }
)

# the camera's height
ANGLE_WORDS: dict[str, str] = _by_value(
    {
        "above": """
            from above, bird's-eye view, bird's eye view, bird's-eye, bird's eye,
            birds-eye, aerial view, overhead, top-down, top down, high angle,
            high-angle, looking down, looking down at
        """,
        "below": """
            from below, low angle, low-angle, worm's-eye view, worm's eye view, looking
            up, looking up at, from the ground
        """,
    }
)

# time of day (the first one a prompt names wins)
TIME_WORDS: dict[str, str] = _by_value(
    {
        "night": """
            night, nighttime, night-time, at night, midnight, tonight, moonlight,
            moonlit, by moonlight, moon, under the stars, starry, starlit, stars, in the
            dark, after dark
        """,
        "dusk": """
            dusk, sunset, sundown, twilight, evening, golden hour, nightfall, late
            afternoon
        """,
        "dawn": """
            dawn, sunrise, daybreak, early morning, morning, first light, morning light
        """,
        "noon": """
            noon, midday, high noon, daylight, daytime, broad daylight, sunny, sunshine,
            sunlit, in the sun, afternoon, sunny day, bright day, during the day, by
            day, in the daytime
        """,
    }
)

# weather drawn over the picture
WEATHER_WORDS: dict[str, str] = _by_value(
    {
        "mist": """
            fog, foggy, mist, misty, haze, hazy
        """,
        "rain": """
            rain, raining, rainy, drizzle, downpour, storm, stormy, in the rain,
            rainstorm
        """,
        "snow": """
            snow, snowing, snowy, snowfall, blizzard, snowflakes, falling snow
        """,
    }
)

# where a subject is: picks one of several faces ("the girl on the left")
POSITION_WORDS: dict[str, str] = _by_value(
    {
        "left": "on the left, to the left, at the left, on the left-hand side, left-hand",
        "right": "on the right, to the right, at the right, on the right-hand side, right-hand",
        "centre": "in the middle, in the centre, in the center, in the centre of the picture",
    }
)

# subjects the photo analysis can find, by the detection they mean
CAT_WORDS = ("cat", "kitten", "kitty", "tabby", "moggy", "puss", "pussycat", "tomcat")
FACE_WORDS = ("face",)
FACE_PARTS = ("eye", "smile", "nose", "expression", "mouth", "ear")
FIGURE_WORDS = ("figure", "body", "silhouette")
PERSON_WORDS = _phrases(
    """
    person, man, woman, boy, girl, child, kid, baby, toddler, lady, gentleman, grandmother,
    grandfather, grandma, grandpa, granny, teacher, farmer, pilot, doctor, nurse, knight,
    princess, prince, king, queen, wizard, witch, pirate, sailor, student, dancer, musician,
    chef, baker, painter, artist, gardener, fisherman, scientist, explorer, climber, skier,
    surfer, runner, player, clown, firefighter, soldier, captain, mother, father, mum, mom, dad,
    sister, brother, traveller, traveler, hiker, astronaut, spaceman, cosmonaut, adventurer,
    hero, heroine, friend, stranger, neighbour, neighbor, villager, shopkeeper, driver, rider,
    singer, reader, writer, inventor, detective, ranger, engineer, builder, worker, human,
    postman, postwoman, mail carrier, policeman, policewoman, police officer, fireman, vet,
    mechanic, librarian, shepherd, lifeguard, coach, grown-up, grownup, parent, aunt, uncle,
    cousin, son, daughter, husband, wife, bride, groom, swimmer, cyclist, skater, boss, guard,
    crowd, family, team, couple
"""
)
# collective nouns that mean more than one person
MANY_WORDS = ("crowd", "family", "team", "couple")

# things the offline engine cannot add to a photo: named back to the person when a prompt asks
THING_WORDS = _phrases(
    """
    dog, puppy, pup, fox, rabbit, bunny, hare, bear, horse, pony, donkey, mouse, rat, hamster,
    squirrel, hedgehog, bird, owl, duck, duckling, chicken, hen, parrot, penguin, swan, goose,
    robin, fish, frog, turtle, tortoise, snail, lion, tiger, elephant, giraffe, zebra, monkey,
    cow, sheep, lamb, goat, pig, butterfly, bee, ladybird, ladybug, wolf, deer, otter, badger,
    raccoon, koala, panda, seal, dolphin, whale, octopus, crab, spider, snake, lizard,
    crocodile, camel, kangaroo, beetle, ant, dragonfly, moth, bat, mole, beaver,
    eagle, crow, magpie, pigeon, seagull, gull, heron, stork, flamingo, peacock, puffin, animal,
    pet, creature, dragon, unicorn, dinosaur, fairy, mermaid, ghost, monster, troll,
    goblin, elf, gnome, dwarf, robot, alien, vampire, zombie, phoenix, griffin, pegasus, yeti,
    sea serpent, spaceship, ufo, cup, mug, teacup, coffee, tea, teapot, kettle, car, bicycle,
    bike, boat, ship, train, plane, aeroplane, airplane, rocket, kite, ball, balloon, hat,
    crown, book, lamp, lantern, clock, toy, teddy, teddy bear, doll, chair, table, umbrella,
    shoe, boot, guitar, piano, violin, drum, candle, key, box, bottle, bag, basket, bowl, plate,
    saucer, bench, door, ladder, rope, string, map, compass, magnifying glass, telescope,
    camera, radio, computer, phone, sword, shield, wand, treasure, treasure chest, chest, coin,
    gift, letter, flag, sign, signpost, wheel, cart, wagon, sled, sledge, tent, backpack,
    rucksack, bucket, spade, shovel, net, fishing rod, paintbrush, brush, pencil, pen, scissors,
    hammer, bell, whistle, mirror, window, snowman, scarecrow, tractor, bus, truck, lorry,
    helmet, spacesuit, coat, jacket, scarf, glove, mitten, sock, dress, cloak, cape, glasses,
    necklace, feather, shell, egg, nest, hourglass, jar, vase, pot, blanket, pillow, bed, sofa,
    rug, carpet, fence, gate, wall, roof, chimney, stairs, staircase, sandcastle, hot air
    balloon, parachute, kayak, canoe, raft, submarine, satellite, planet, comet, rainbow, cloud,
    clouds, lightning, fire, campfire, smoke, bubble, bubbles, cake, cookie, biscuit, apple,
    pear, banana, strawberry, cherry, berry, berries, bread, sandwich, pie, pizza, cheese,
    honey, jam, ice cream, sweets, candy, chocolate, soup, carrot, pumpkin, mushroom, picnic,
    feast, breakfast, dinner, lunch, croissant, tree, oak, oak tree, pine, flower, tulip,
    sunflower, daisy, leaf, leaves, grass, bush, hedge, cactus, plant, vine, seed, acorn,
    branch, branches, log, stump, root, roots, house, cottage, cabin, hut, castle, palace,
    tower, bridge, lighthouse, windmill, barn, farm, school, classroom, library, shop, bakery,
    cafe, café, market, station, train station, harbour, harbor, port, pier, beach, shore,
    coast, sea, ocean, lake, pond, river, stream, waterfall, brook, fountain, island, mountain,
    mountains, hill, hills, valley, cliff, cave, rock, rocks, stone, stones, stepping stones,
    forest, woods, wood, jungle, desert, meadow, field, fields, garden, orchard, park,
    playground, zoo, village, town, city, street, road, path, trail, kingdom, world, sky, space,
    outer space, moon base, kitchen, bedroom, living room, attic, cellar, basement, room, hall,
    porch, balcony, yard, backyard, lawn, swamp, marsh, volcano, glacier, iceberg, snowfield,
    dune, dunes, canyon, horizon, landscape, spray, water, sand, mud, puddle, ice
"""
)

# number words before a noun
NUMBER_WORDS: dict[str, int] = _by_value(
    {
        1: "one, a single, single, lone",
        2: "two, pair of, a pair of, couple of, a couple of, both, twin, twins",
        3: """
            three, several, a few, many, lots of, a lot of, a group of, group of, a
            crowd of, crowd of, a herd of, a flock of, a family of
        """,
        4: "four",
        5: "five",
        6: "six",
        7: "seven",
        8: "eight",
        9: "nine",
        10: "ten",
        11: "eleven",
        12: "twelve, dozen, a dozen, dozens of",
        100: "hundreds of, countless",
    }
)
# words that may stand between a number and its noun ("three little grey cats")
NOUN_MODIFIERS = _phrases(
    """
    big, black, blue, brave, bright, brown, clever, curious, cute, dark, fat, fluffy, friendly,
    funny, furry, giant, ginger, golden, gray, green, grey, happy, huge, hungry, kind, large,
    lazy, light, little, new, old, orange, pink, playful, purple, red, sad, short, shy, silver,
    sleepy, small, spotted, striped, tall, thin, tiny, wet, white, wild, yellow, young
"""
)

# framing hints when a prompt names no framing: about the face and feelings -> close; about a
# place or many people -> wide. They steer the crop; they are not reported as honoured.
CLOSE_HINTS = _phrases(
    """
    face, eyes, smile, smiling, worried, worry, surprise, tears, expression, looking at,
    thinking, whisper, nose, paw, paws
"""
)
WIDE_HINTS = _phrases(
    """
    landscape, view, whole, far, afar, across, village, town, city, sky, forest, sea, horizon,
    distance, kingdom, valley, world, everyone, crowd, street, field, meadow, mountains, beach
"""
)

_IRREGULAR = {
    "man": "men",
    "woman": "women",
    "child": "children",
    "person": "people",
    "mouse": "mice",
    "goose": "geese",
    "sheep": "sheep",
    "fish": "fish",
    "deer": "deer",
    "wolf": "wolves",
    "leaf": "leaves",
    "elf": "elves",
    "dwarf": "dwarves",
    "knife": "knives",
    "fairy": "fairies",
    "foot": "feet",
    "tooth": "teeth",
    "shelf": "shelves",
    "loaf": "loaves",
    "calf": "calves",
    "scarf": "scarves",
    "policeman": "policemen",
    "fisherman": "fishermen",
    "spaceman": "spacemen",
    "gentleman": "gentlemen",
    "cactus": "cacti",
    "eye": "eyes",
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
