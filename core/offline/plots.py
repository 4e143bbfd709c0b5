"""The plots the offline writer tells, each in the kind of place it can happen.

A plot belongs to one kind of world place (`where`: "indoor", "outdoor", "space"; see
`core.offline.world`) and names the props it is about (`props`, keys of `world.PROPS`): a kite is
never lost in a kitchen and a space photo gets a space story. Its trouble sentence introduces
everything the later sentences use ("{Hero}'s red ball rolled under ..." before "the ball"); its
turn finds the answer and its end tells what came of it on the same page. `fear` says whether the
hero is afraid in it (only then may the ending say the hero was brave).

Attempts come from `METHODS` by the kind of problem (search, reach, mend) and the kind of place;
each is (what the hero did, the same as a scene, how it went wrong), and whatever a failure names
is named in its attempt first. Helpers are companions of `world.COMPANIONS` met on their page.
"""

from __future__ import annotations

from core.offline.wordings import with_wordings


def _worded(plots: tuple[dict, ...]) -> tuple[dict, ...]:
    """The plots with their told sentences' common words made graded choices ("found" ->
    "found|discovered"), so a "simpler" book tells them in plainer words."""
    return tuple({k: with_wordings(v) if k in ("trouble", "turn", "end") else v for k, v in p.items()} for p in plots)


PLOTS: tuple[dict, ...] = _worded(
    (
        # --- indoors ----------------------------------------------------------------------------
        {
            "thing": "lost ball",
            "where": "indoor",
            "kind": "search",
            "props": ("ball",),
            "goal": "find the {thing_colour} ball",
            "trouble": "One morning, {Hero}'s {thing_colour} ball rolled away and did not come back[, not even when"
            " {Hero} called].",
            "turn": "Then {Hero} saw something round and {thing_colour} under the old cupboard.",
            "end": "{Hero} pulled the ball out and played with it across {setting} all afternoon.",
            "settings": ("living room", "kitchen", "bedroom", "classroom"),
            "places": (
                "under the table",
                "behind the curtains",
                "in the laundry pile",
                "under a cushion",
                "by the door",
            ),
        },
        {
            "thing": "tangled yarn",
            "where": "indoor",
            "kind": "mend",
            "props": ("yarn",),
            "goal": "untangle the ball of yarn",
            "trouble": "{Hero}'s ball of yarn had come undone, and it was wound round every chair"
            "[ like a spider's web].",
            "turn": "Then {Hero} found the loose end of the yarn, hanging by the door.",
            "end": "Bit by bit, {Hero} rolled the yarn up again and set every chair free.",
            "settings": ("living room", "bedroom", "kitchen"),
            "places": ("round the table legs", "under the chairs", "behind the door", "by the window"),
        },
        {
            "thing": "missing key",
            "where": "indoor",
            "kind": "search",
            "props": ("key",),
            "goal": "find the missing key",
            "trouble": "{Hero} kept a little key for the biscuit tin, and one morning it had gone missing"
            "[ from its hook].",
            "turn": "Then {Hero} heard a soft clink inside a teapot on the shelf.",
            "end": "{Hero} fished the key out of the teapot and opened the biscuit tin at last.",
            "settings": ("kitchen", "living room", "cafe"),
            "places": (
                "in the drawers",
                "under the doormat",
                "on the bookshelf",
                "on the top shelf",
                "in a coat pocket",
            ),
        },
        {
            "thing": "surprise cake",
            "where": "indoor",
            "kind": "mend",
            "props": ("cake",),
            "goal": "finish the surprise cake in time",
            "trouble": "It was {Friend}'s birthday, and {Hero} wanted to bake a cake, but nobody could open the stuck"
            " oven door.",
            "turn": "Then {Hero} saw that a spoon was jammed in the oven door.",
            "end": "{Friend} blew out every candle on {Hero}'s warm, golden cake with one big puff.",
            "settings": ("kitchen", "cafe"),
            "places": ("at the table", "by the oven", "at the sink", "by the fridge"),
            "friend_apart": True,
        },
        {
            "thing": "tapping sound",
            "where": "indoor",
            "kind": "search",
            "props": (),
            "goal": "find out what made the tapping sound",
            "trouble": "Every night, a strange tap, tap, tap came from somewhere, and {Hero} felt a little afraid.",
            "turn": "Then {Hero} saw a dripping tap: plip, plop, tap, into a cup.",
            "end": "{Hero} turned the tap off tight and found the night quiet and not scary at all.",
            "places": ("in the dark hallway", "by the window", "under the stairs", "behind the door"),
            "fear": True,
            "props_late": ("cup",),
        },
        {
            "thing": "lost book",
            "where": "indoor",
            "kind": "search",
            "props": ("book",),
            "goal": "find the book",
            "trouble": "One day, {Hero}'s favourite book with a blue cover"
            " <had gone missing|had disappeared|had vanished>.",
            "turn": "Then {Hero} spotted a blue corner peeping out from under a blanket.",
            "end": "{Hero} curled up with {Friend} and the book and read it right to the very last page.",
            "settings": ("living room", "bedroom", "classroom"),
            "places": ("under the sofa", "on the shelf", "in the toy box", "behind a pillow", "by the lamp"),
        },
        {
            "thing": "empty cup",
            "where": "indoor",
            "kind": "mend",
            "props": ("cup",),
            "goal": "make a cup of cocoa for {Friend}",
            "trouble": "{Friend} had a cold, and {Hero} wanted to bring a warm cup of cocoa,"
            " but there was no cocoa left in the tin.",
            "turn": "Then {Hero} remembered a second tin, right at the back of the cupboard.",
            "end": "{Friend} drank the cocoa, smiled, and told {Hero} it was the best cup ever made.",
            "settings": ("kitchen", "cafe", "living room"),
            "places": ("in the cupboard", "on the top shelf", "by the window", "at the table"),
            "friend_apart": True,
        },
        # --- outdoors ---------------------------------------------------------------------------
        {
            "thing": "runaway kite",
            "where": "outdoor",
            "kind": "search",
            "props": ("kite",),
            "goal": "bring the kite back",
            "trouble": "A gust of wind snatched {Friend}'s {thing_colour} kite and carried it far away from {Hero}.",
            "turn": "Then {Hero} saw a long string hanging from the branches of a very tall tree,"
            " and the kite at the top.",
            "end": "{Hero} gave the kite back to {Friend}, who flew it with {Hero} until the sun went down.",
            "settings": ("park", "hills", "beach", "garden", "snow"),
            "places": (
                "by the tall trees",
                "behind the bushes",
                "over by the fence",
                "down by the pond",
                "on the grass",
            ),
            "weather": "wind",
        },
        {
            "thing": "ball in the grass",
            "where": "outdoor",
            "kind": "search",
            "props": ("ball",),
            "goal": "find the {thing_colour} ball",
            "trouble": "{Hero}'s {thing_colour} ball bounced away, high and far, and came down somewhere out of sight.",
            "turn": "Then {Hero} saw a round {thing_colour} shape, wedged under a bush.",
            "end": "{Hero} pulled the ball free and played with it until the sun went down.",
            "settings": ("park", "garden", "hills", "forest", "beach"),
            "places": ("behind the bushes", "by the fence", "near the bench", "under the trees", "by the big rock"),
        },
        {
            "thing": "silver compass",
            "where": "outdoor",
            "kind": "search",
            "props": ("compass",),
            "goal": "find the silver compass",
            "trouble": "One windy morning, {Hero}'s silver compass slipped out of a pocket and was gone.",
            "turn": "Then a bright flash caught {Hero}'s eye: something silver was shining in the mud.",
            "end": "{Hero} held the silver compass tight and followed its needle straight home.",
            "settings": ("forest", "hills", "river", "park"),
            "places": ("in the long grass", "on the muddy path", "under the hedge", "among the rocks", "by the stream"),
        },
        {
            "thing": "lost hat",
            "where": "outdoor",
            "kind": "search",
            "props": ("hat",),
            "goal": "get the hat back",
            "trouble": "{Hero} had a brand new {thing_colour} hat, but a gust of wind lifted it off and away it went.",
            "turn": "Then {Hero} saw the hat, upside down, with a little bird sitting inside it.",
            "end": "{Hero} let the bird keep the hat for a nest and wore a scarf instead, which was just as good.",
            "settings": ("park", "street", "hills", "beach", "garden", "snow"),
            "places": ("behind the bench", "in a tree", "by the gate", "on the path"),
            "weather": "wind",
            "props_late": ("scarf",),
        },
        {
            "thing": "floating boat",
            "where": "outdoor",
            "kind": "reach",
            "props": ("boat",),
            "goal": "catch the little boat",
            "trouble": "{Hero} and {Friend} made a little boat, but it drifted off across the water.",
            "turn": "Then {Hero} saw the boat turn in a slow circle, caught on some reeds near the bank.",
            "end": "{Hero} lifted the little boat out and tied a long string to it this time.",
            "places": ("along the bank", "by the reeds", "on the stepping stones", "at the bend"),
            "settings": ("river", "beach", "park"),
        },
        {
            "thing": "basket of apples",
            "where": "outdoor",
            "kind": "high",
            "props": ("basket", "apple"),
            "goal": "fill the basket before dark",
            "trouble": "{Friend} needed a basket of apples for the market and asked {Hero} to help,"
            " but every apple grew high out of reach.",
            "turn": "Then {Hero} had an idea: shake the branch gently, and catch the apples in an umbrella.",
            "end": "{Friend} had a full basket before dark and gave {Hero} the reddest apple of all.",
            "settings": ("garden", "park", "hills"),
            "places": ("under the old tree", "by the wall", "on the grass", "by the fence"),
            "props_late": ("umbrella",),
            "friend_apart": True,
        },
        {
            "thing": "lost shell",
            "where": "outdoor",
            "kind": "search",
            "props": ("shell", "bucket"),
            "goal": "find the pink shell",
            "trouble": "{Hero} had found a pink shell and put it in a bucket, but now there was nothing in the bucket.",
            "turn": "Then {Hero} saw a crab-shaped hole in the sand, and the pink shell right beside it.",
            "end": "{Hero} put the pink shell on the windowsill at home, where it still sings of the sea.",
            "places": ("by the rock pools", "along the shore", "in the soft sand", "by the waves"),
            "settings": ("beach",),
        },
        {
            "thing": "snowman's scarf",
            "where": "outdoor",
            "kind": "mend",
            "props": ("scarf",),
            "goal": "give the snowman a scarf",
            "trouble": "{Hero} built a snowman, but a gust of wind took its {thing_colour} scarf away.",
            "turn": "Then {Hero} saw the scarf, caught on a post at the bottom of the hill.",
            "end": "{Hero} wrapped the scarf round the snowman twice, and it looked ready for anything.",
            "places": ("at the top of the hill", "by the fence", "in the deep snow", "by the trees"),
            "settings": ("snow",),
            "weather": "snow",
        },
        {
            "thing": "balloon in the tree",
            "where": "outdoor",
            "kind": "high",
            "props": ("balloon",),
            "goal": "get the balloon down",
            "trouble": "{Friend}'s {thing_colour} balloon floated up while {Hero} watched,"
            " and got stuck in the top of a tree.",
            "turn": "Then {Hero} saw the balloon's string swinging low on a branch.",
            "end": "{Hero} tugged the string and brought the balloon down, safe and round, into {Friend}'s hands.",
            "settings": ("park", "garden", "street", "forest"),
            "places": ("at the foot of the tree", "on the bench", "by the wall", "on the lowest branch"),
            "friend_apart": True,
        },
        # --- space ------------------------------------------------------------------------------
        {
            "thing": "lost star",
            "where": "space",
            "kind": "search",
            "props": ("star",),
            "goal": "find the missing star",
            "trouble": "One of the stars {Hero} counted every night had gone out, and the sky had a gap in it.",
            "turn": "Then {Hero} saw a little star hiding behind the moon, too shy to shine.",
            "end": "{Hero} waved and smiled until the little star shone again and filled the gap in the sky.",
            "places": ("past the moon", "by the bright planets", "along the dark edge of space", "near a comet"),
        },
        {
            "thing": "telescope",
            "where": "space",
            "kind": "mend",
            "props": ("telescope",),
            "goal": "see the far planet",
            "trouble": "{Hero} wanted to see a far planet, but {Hero}'s telescope showed only a blur.",
            "turn": "Then {Hero} saw that the glass of the telescope was covered in moon dust.",
            "end": "With the glass clean, {Hero} saw the far planet shine bright and clear.",
            "places": ("by the porthole", "on the moon", "at the airlock", "in the quiet dark"),
        },
        {
            "thing": "rocket home",
            "where": "space",
            "kind": "mend",
            "props": ("rocket",),
            "goal": "get the rocket home",
            "trouble": "Far out in space, {Hero}'s little rocket began to cough and splutter.",
            "turn": "Then {Hero} saw a map of the stars glowing on the rocket's screen, with home marked on it.",
            "end": "The rocket landed with a soft bump that brought {Hero} home in time for supper.",
            "places": ("past the moon", "near a ring of rocks", "by a blue planet", "through a field of stars"),
            "fear": True,
            "weather": "clear",
        },
    )
)

# The kinds of try each problem has: (what the hero did, the scene of it, how it went wrong).
METHODS = {
    "search": (
        ("looked carefully", "looking carefully", ("there was nothing there but dust", "it was only a shadow")),
        (
            "asked {helper} for help",
            "asking {helper} for help",
            ("{the_helper} had not seen a thing", "{the_helper} only yawned"),
        ),
        (
            "searched high and low",
            "searching high and low",
            ("the answer was hiding somewhere else", "there was nothing at all"),
        ),
        ("listened hard", "listening hard", ("the only sound was {Hero}'s own breathing", "it was too noisy to hear")),
        ("waited in silence", "waiting in silence", ("nothing came at all", "{Hero} nodded off while waiting")),
        (
            "took a lantern to look",
            "looking with a lantern",
            ("the lantern only lit up dust", "the lantern flickered out"),
        ),
        ("called out", "calling out", ("only an echo called back", "nobody answered")),
    ),
    "reach": (
        ("tried to reach it", "stretching up to reach it", ("it was still too far", "{Hero} was not tall enough")),
        (
            "asked {helper} the way",
            "asking {helper} the way",
            ("{the_helper} pointed the wrong way", "{the_helper} did not know either"),
        ),
        (
            "tried a shortcut",
            "trying a shortcut",
            ("the shortcut went round in a circle", "the shortcut was a dead end"),
        ),
        (
            "took a lantern to light the way",
            "walking with a lantern",
            ("the lantern flickered out", "the lantern only showed more dark"),
        ),
        ("jumped as high as possible", "jumping high", ("it was still too high", "{Hero} landed with a bump")),
        ("tried a new way round", "trying a new way round", ("the new way was blocked", "the new way was even longer")),
    ),
    "high": (
        ("stood on tiptoe", "standing on tiptoe", ("it was still far too high", "{Hero} wobbled and fell over")),
        ("jumped as high as possible", "jumping high", ("it was still too high", "{Hero} landed with a bump")),
        (
            "asked {helper} to help",
            "asking {helper} to help",
            ("{the_helper} could not reach it either", "{the_helper} was much too small"),
        ),
        (
            "waited for the wind to help",
            "waiting for the wind",
            ("the wind only pushed it higher", "the wind did not come"),
        ),
        (
            "climbed a little way up",
            "climbing a little way up",
            ("the bark was too slippery", "the branches were too thin"),
        ),
    ),
    "mend": (
        (
            "asked {helper} for advice",
            "asking {helper} for advice",
            ("{the_helper} had no idea either", "{the_helper}'s advice only made things worse"),
        ),
        (
            "read a book for ideas",
            "reading a book for ideas",
            ("the book had no answer", "the book was about something else"),
        ),
        ("tried being very patient", "waiting patiently", ("nothing changed at all", "the waiting went on and on")),
        (
            "tried a clever trick",
            "trying a clever trick",
            ("the trick did not work", "the trick went wrong with a pop"),
        ),
        (
            "made a careful plan",
            "making a careful plan",
            ("the plan had a big hole in it", "the plan was much too hard"),
        ),
        (
            "tried once more, slowly and carefully",
            "trying again slowly",
            ("it still would not work", "it was no better than before"),
        ),
    ),
}
# tries that need the open air, and tries that need a roof (never told in the other kind of place)
OUTDOOR_ONLY = {"tried a shortcut", "tried a new way round"}
# how a helper of each companion kind is met ("a sleepy tortoise")
HELPER_LOOKS = {
    "fox": "a clever fox",
    "squirrel": "a busy squirrel",
    "tortoise": "a wise old tortoise",
    "rabbit": "a quick rabbit",
    "owl": "a sleepy owl",
    "hedgehog": "a shy hedgehog",
    "mouse": "a little mouse",
    "duck": "a chatty duck",
    "frog": "a singing frog",
    "bird": "a small bird",
    "snail": "a slow snail",
    "butterfly": "a bright butterfly",
    "dog": "a friendly dog",
    "cat": "a calm cat",
    "robot": "a helpful robot",
}
# how the best friend of each kind is described when the caption does not say
FRIEND_LOOKS = {
    "mouse": "a small grey mouse",
    "tortoise": "a kind old tortoise",
    "rabbit": "a bouncy white rabbit",
    "hedgehog": "a shy little hedgehog",
    "squirrel": "a cheeky red squirrel",
    "owl": "a wise old owl",
    "duck": "a plump little duck",
    "fox": "a clever little fox",
    "bird": "a chatty little bird",
    "dog": "a cheerful brown dog",
    "robot": "a little robot with blinking lights",
}
# the names the writer may choose, by what the hero is: a cat, a child and a teapot never share a
# name pool, so books of different photos never tell the same sentence about their hero
HERO_NAMES = {
    "animal": ("Pip", "Luna", "Otto", "Bo", "Kit", "Nell", "Juno", "Cleo", "Suki", "Bram", "Wren"),
    "person": ("Ada", "Finn", "Ivy", "Rosa", "Theo", "Mila", "Ravi", "Zara", "Leo", "Nia", "Maya", "Hugo", "Noor"),
    "object": ("Tess", "Arlo", "Rumi", "Iris", "Milo", "Elsa", "Oskar", "Tomas", "Jet", "Ziggy"),
    # a hero the writer invents for a photo where nobody was found
    "invented": ("Jude", "Skye", "Cass", "Quin", "Rue", "Remy", "Ari", "Nico", "Sasha", "Ezra"),
}
# the names of the person pool a girl or a boy may get, and the kinds that say which
GIRL_NAMES = ("Ada", "Ivy", "Rosa", "Mila", "Zara", "Nia", "Maya", "Noor")
BOY_NAMES = ("Finn", "Theo", "Ravi", "Leo", "Hugo")
GIRLS = {"girl", "woman", "lady", "sister", "daughter", "grandma", "mum", "aunt", "princess", "queen", "mother"}
BOYS = {"boy", "man", "brother", "son", "grandpa", "dad", "uncle", "prince", "king", "father"}
