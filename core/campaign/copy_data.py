"""The offline copy grammar's lines, per language and tone register.

Slots: {product}, {audience}, {offer}, {colour} (the photo's first colour, in the language),
{brand}. A line whose slot the brief left empty is never used, so every line must read well with
any product name: the name stands alone (no article, no agreement), as on a shelf label.

Registers: a brand's tone words pick one (`register_of`): playful, premium, bold, or warm.
Each language keeps one form of address in every line, since lines of any register meet in one
variant: German "Sie", French "vous", Spanish "tú".
"""

from __future__ import annotations

REGISTERS = ("playful", "premium", "bold", "warm")
_TONE_WORDS = {
    "playful": ("playful", "fun", "cheeky", "witty", "cheerful", "young", "friendly"),
    "premium": ("premium", "luxury", "elegant", "refined", "sophisticated", "exclusive", "calm", "minimal"),
    "bold": ("bold", "energetic", "confident", "direct", "loud", "sporty", "urgent"),
    "warm": ("warm", "caring", "honest", "natural", "cosy", "cozy", "human"),
}


def register_of(tone: tuple[str, ...] | list[str]) -> str:
    """The first register one of the brand's tone words belongs to; warm when none does."""
    for word in tone:
        for register, words in _TONE_WORDS.items():
            if word.lower() in words:
                return register
    return "warm"


OFFER = {"en": "{offer}.", "de": "{offer}.", "fr": "{offer}.", "es": "{offer}."}

_EN = {
    "code": "en",
    # lines about this brief: what the product is, what it does for the audience, the caption's words;
    # each names the product or the audience, since briefs for one product share its photo and caption
    "headlines_facts": [
        "{benefit_alone}",
        "{product}: {benefit}",
        "{product}: {tastes}",
        "{product}, for {audience}",
        "{what_for} for {audience}",
        "{product}: {offer_after}",
        "{offer_for}, for {audience}",
    ],
    "headlines": {
        "playful": ["Say hello to {product}!", "{product}? Yes, please.", "Your new favourite: {product}"],
        "premium": ["{product}. Nothing less.", "Quietly exceptional: {product}", "The art of {product}"],
        "bold": ["{product}. Now.", "This is {product}.", "Make room for {product}"],
        "warm": ["Meet {product}", "Introducing {product}", "Say yes to {product}"],
    },
    "headlines_plain": [
        "{what}, done properly",
        "Good {what}, every {unit}",
        "Your new favourite {what}",
        "Something new is here",
        "Your new favourite",
        "Crafted with care",
    ],
    "leads": [
        "{product} in {colour}, ready when you are.",
        "{product}: made for {audience}.",
        "For {audience} who notice the details.",
        "Meet {product}, in {colour}.",
    ],
    # a closer only where the brief leaves room and says nothing else; none speaks for the audience
    "closers": {
        "playful": ["Treat yourself.", "Go on, try it."],
        "premium": ["Savour every detail.", "Quality you can feel."],
        "bold": ["Don't wait.", "Start today."],
        "warm": ["Ready when you are.", "Good from the first day."],
    },
    "colours": {},
}

_DE = {
    "code": "de",
    "headlines_facts": ["Für {audience}: {product}", "{product}: {offer_after}"],
    "headlines": {
        "playful": [
            "Hallo, {product}!",
            "{product}? Na klar!",
            "Ihr neuer Liebling: {product}",
            "Probieren Sie {product}",
        ],
        "premium": [
            "{product}. Nichts weniger.",
            "Mit Sorgfalt gemacht: {product}",
            "Entdecken Sie {product}",
            "{product}, vollendet",
        ],
        "bold": ["{product}. Jetzt.", "Das ist {product}.", "Platz für {product}", "Bereit? {product}."],
        "warm": ["Das ist {product}", "Etwas Gutes: {product}", "Für Sie gemacht: {product}"],
    },
    "headlines_plain": ["Für Momente wie diesen", "Mit Sorgfalt gemacht", "Etwas Neues ist da"],
    "leads": [
        "{product} in {colour}, bereit, wenn Sie es sind.",
        "Gemacht für {audience}, bis ins Detail.",
        "{product}: für {audience} gemacht.",
        "Alles, was Sie lieben, in {product}.",
        "{product}, für jeden Tag gemacht.",
        "Bereit, wenn Sie es sind.",
    ],
    "closers": {
        "playful": ["Gönnen Sie sich was.", "Sie wissen, Sie wollen es.", "Viel Spaß."],
        "premium": ["Genießen Sie jedes Detail.", "Nehmen Sie sich Zeit.", "Qualität, die man spürt."],
        "bold": ["Nicht warten.", "Holen Sie es sich.", "Starten Sie heute."],
        "warm": ["Gut vom ersten Tag an.", "Einfach gut."],
    },
    "colours": {
        "black": "Schwarz",
        "white": "Weiß",
        "cream": "Creme",
        "beige": "Beige",
        "brown": "Braun",
        "dark brown": "Dunkelbraun",
        "red": "Rot",
        "pink": "Rosa",
        "orange": "Orange",
        "yellow": "Gelb",
        "golden yellow": "Goldgelb",
        "green": "Grün",
        "dark green": "Dunkelgrün",
        "blue": "Blau",
        "dark blue": "Dunkelblau",
        "sky blue": "Himmelblau",
        "purple": "Lila",
        "grey": "Grau",
        "light grey": "Hellgrau",
        "teal": "Petrol",
        "navy": "Marineblau",
        "tan": "Hellbraun",
        "gold": "Gold",
        "silver": "Silber",
        "dark red": "Dunkelrot",
    },
}

_FR = {
    "code": "fr",
    "headlines_facts": ["{product}, pour {audience}", "{product} : {offer_after}"],
    "headlines": {
        "playful": [
            "Dites bonjour à {product} !",
            "{product} ? Oui, merci.",
            "Votre nouveau favori : {product}",
            "Essayez {product}",
        ],
        "premium": [
            "{product}. Rien de moins.",
            "Fait avec soin : {product}",
            "Découvrez {product}",
            "L'art de {product}",
        ],
        "bold": ["{product}. Maintenant.", "Voici {product}.", "Place à {product}", "Prêts ? {product}."],
        "warm": ["Voici {product}", "Du bon : {product}", "Pour vous : {product}"],
    },
    "headlines_plain": [
        "Pour des moments comme ça",
        "Fait avec soin",
        "Du nouveau est arrivé",
    ],
    "leads": [
        "{product} en {colour}, prêt quand vous l'êtes.",
        "Pensé pour {audience}, jusque dans les détails.",
        "{product} : pensé pour {audience}.",
        "Tout ce que vous aimez, dans {product}.",
        "{product}, pour chaque jour.",
        "Prêt quand vous l'êtes, chaque jour.",
    ],
    "closers": {
        "playful": ["Faites-vous plaisir.", "Vous en avez envie.", "Souriez."],
        "premium": ["Savourez chaque détail.", "Prenez votre temps.", "Une qualité qui se sent."],
        "bold": ["N'attendez pas.", "Faites-le vôtre.", "Commencez aujourd'hui."],
        "warm": ["Bon dès le premier jour.", "Tout simplement bon."],
    },
    "colours": {
        "black": "noir",
        "white": "blanc",
        "cream": "crème",
        "beige": "beige",
        "brown": "brun",
        "dark brown": "brun foncé",
        "red": "rouge",
        "pink": "rose",
        "orange": "orange",
        "yellow": "jaune",
        "golden yellow": "jaune d'or",
        "green": "vert",
        "dark green": "vert foncé",
        "blue": "bleu",
        "dark blue": "bleu foncé",
        "sky blue": "bleu ciel",
        "purple": "violet",
        "grey": "gris",
        "light grey": "gris clair",
        "teal": "bleu canard",
        "navy": "bleu marine",
        "tan": "fauve",
        "gold": "or",
        "silver": "argent",
        "dark red": "rouge foncé",
    },
}

_ES = {
    "code": "es",
    "headlines_facts": ["{product}, para {audience}", "{product}: {offer_after}"],
    "headlines": {
        "playful": [
            "¡Hola, {product}!",
            "¿{product}? ¡Sí, por favor!",
            "Tu nuevo favorito: {product}",
            "Prueba {product}",
        ],
        "premium": [
            "{product}. Nada menos.",
            "Hecho con cuidado: {product}",
            "Descubre {product}",
            "El arte de {product}",
        ],
        "bold": ["{product}. Ya.", "Esto es {product}.", "Paso a {product}", "¿Listo? {product}."],
        "warm": [
            "Te presentamos {product}",
            "Algo bueno: {product}",
            "Para ti: {product}",
        ],
    },
    "headlines_plain": [
        "Para momentos como este",
        "Hecho con cuidado",
        "Algo nuevo ha llegado",
    ],
    "leads": [
        "{product} en {colour}, listo cuando tú lo estés.",
        "Pensado para {audience}, hasta el último detalle.",
        "{product}: pensado para {audience}.",
        "Todo lo que te gusta, en {product}.",
        "{product}, para cada día.",
        "Listo cuando tú lo estés, cada día.",
    ],
    "closers": {
        "playful": ["Date un capricho.", "Sabes que quieres.", "Sonríe."],
        "premium": ["Saborea cada detalle.", "Tómate tu tiempo.", "Calidad que se nota."],
        "bold": ["No esperes.", "Hazlo tuyo.", "Empieza hoy."],
        "warm": ["Bueno desde el primer día.", "Simplemente bueno."],
    },
    "colours": {
        "black": "negro",
        "white": "blanco",
        "cream": "crema",
        "beige": "beige",
        "brown": "marrón",
        "dark brown": "marrón oscuro",
        "red": "rojo",
        "pink": "rosa",
        "orange": "naranja",
        "yellow": "amarillo",
        "golden yellow": "amarillo dorado",
        "green": "verde",
        "dark green": "verde oscuro",
        "blue": "azul",
        "dark blue": "azul oscuro",
        "sky blue": "azul cielo",
        "purple": "morado",
        "grey": "gris",
        "light grey": "gris claro",
        "teal": "verde azulado",
        "navy": "azul marino",
        "tan": "canela",
        "gold": "oro",
        "silver": "plata",
        "dark red": "rojo oscuro",
    },
}

_EN["colours"] = {c: c for c in _DE["colours"]}

GRAMMAR = {"en": _EN, "de": _DE, "fr": _FR, "es": _ES}

CTAS = {
    "en": {
        "playful": ["Grab yours", "Try it now", "Let's go", "Get yours"],
        "premium": ["Discover more", "Explore now", "Reserve yours", "See the collection"],
        "bold": ["Shop now", "Buy now", "Get it today", "Order now"],
        "warm": ["Find out more", "Order today", "Try it today", "Shop now"],
    },
    "de": {
        "playful": ["Jetzt holen", "Ausprobieren", "Los geht's"],
        "premium": ["Mehr entdecken", "Jetzt entdecken", "Kollektion ansehen"],
        "bold": ["Jetzt kaufen", "Jetzt bestellen", "Sofort sichern"],
        "warm": ["Mehr erfahren", "Heute bestellen", "Jetzt probieren"],
    },
    "fr": {
        "playful": ["J'en veux", "Essayez-le", "C'est parti"],
        "premium": ["Découvrir", "Explorer", "Voir la collection"],
        "bold": ["Acheter", "Commander", "Je fonce"],
        "warm": ["En savoir plus", "Commander", "Essayer"],
    },
    "es": {
        "playful": ["¡Lo quiero!", "Pruébalo ya", "¡Vamos!"],
        "premium": ["Descubre más", "Explorar", "Ver la colección"],
        "bold": ["Compra ya", "Pide ahora", "Consíguelo hoy"],
        "warm": ["Más información", "Pide hoy", "Pruébalo hoy"],
    },
}
