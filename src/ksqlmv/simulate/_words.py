"""Word lists behind the realistic generators (names, places, products, devices).

Small and fixed on purpose: generated data must be the same on every machine for a given seed,
which rules out locale databases that change between releases.
"""

from __future__ import annotations

__all__ = [
    "CARRIERS",
    "CATEGORIES",
    "CITIES",
    "COMPANY_SUFFIXES",
    "DEVICES",
    "EMAIL_DOMAINS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "PRODUCT_ADJECTIVES",
    "PRODUCT_NOUNS",
    "STREETS",
]

FIRST_NAMES = (
    "Ada", "Adrian", "Aiko", "Alba", "Amara", "Anna", "Arjun", "Astrid", "Aurelio", "Beatriz",
    "Bjorn", "Camille", "Carlos", "Chen", "Chiara", "Dara", "David", "Diego", "Elena", "Elif",
    "Emeka", "Emma", "Esther", "Fatima", "Felix", "Freya", "Gabriel", "Greta", "Hana", "Hugo",
    "Ines", "Isaac", "Ivan", "Jade", "Jonas", "Julia", "Kai", "Kalinda", "Karim", "Katarzyna",
    "Kenji", "Lars", "Layla", "Leo", "Lina", "Luca", "Maja", "Malik", "Marta", "Mateo",
    "Mei", "Mila", "Nadia", "Naveen", "Nils", "Noah", "Nora", "Oskar", "Paula", "Pedro",
    "Priya", "Rafael", "Rania", "Ravi", "Rosa", "Sami", "Sara", "Sofia", "Tariq", "Thea",
    "Tomas", "Uma", "Valentina", "Viktor", "Wei", "Yara", "Yusuf", "Zanele", "Zoe", "Zofia",
)  # fmt: skip

LAST_NAMES = (
    "Abe", "Adeyemi", "Almeida", "Andersen", "Bauer", "Bianchi", "Brown", "Castro", "Chen",
    "Costa", "Dubois", "Eriksson", "Fernandez", "Fischer", "Garcia", "Hansen", "Haddad",
    "Ivanova", "Jansen", "Kaur", "Kim", "Kowalski", "Larsen", "Lopez", "Martin", "Meyer",
    "Moreau", "Murphy", "Nakamura", "Novak", "Nowak", "Okafor", "Olsen", "Patel", "Perez",
    "Petrov", "Rossi", "Santos", "Schmidt", "Schneider", "Silva", "Singh", "Smith", "Suzuki",
    "Tanaka", "Torres", "Van Dijk", "Virtanen", "Wagner", "Wang", "Weber", "Yilmaz", "Zhang",
)  # fmt: skip

# (city, ISO 3166-1 alpha-2 country): a city always comes with the country it is in.
CITIES = (
    ("Amsterdam", "NL"), ("Rotterdam", "NL"), ("Utrecht", "NL"), ("Berlin", "DE"),
    ("Hamburg", "DE"), ("Munich", "DE"), ("Cologne", "DE"), ("Paris", "FR"), ("Lyon", "FR"),
    ("Marseille", "FR"), ("Madrid", "ES"), ("Barcelona", "ES"), ("Valencia", "ES"),
    ("Lisbon", "PT"), ("Porto", "PT"), ("Rome", "IT"), ("Milan", "IT"), ("Turin", "IT"),
    ("Vienna", "AT"), ("Zurich", "CH"), ("Geneva", "CH"), ("Brussels", "BE"), ("Antwerp", "BE"),
    ("Copenhagen", "DK"), ("Stockholm", "SE"), ("Gothenburg", "SE"), ("Oslo", "NO"),
    ("Helsinki", "FI"), ("Dublin", "IE"), ("London", "GB"), ("Manchester", "GB"),
    ("Edinburgh", "GB"), ("Warsaw", "PL"), ("Krakow", "PL"), ("Prague", "CZ"),
    ("Budapest", "HU"), ("Athens", "GR"), ("Istanbul", "TR"), ("New York", "US"),
    ("Chicago", "US"), ("Austin", "US"), ("Seattle", "US"), ("Toronto", "CA"),
    ("Montreal", "CA"), ("Mexico City", "MX"), ("Sao Paulo", "BR"), ("Buenos Aires", "AR"),
    ("Tokyo", "JP"), ("Osaka", "JP"), ("Seoul", "KR"), ("Singapore", "SG"), ("Sydney", "AU"),
    ("Melbourne", "AU"), ("Auckland", "NZ"), ("Cape Town", "ZA"), ("Lagos", "NG"),
    ("Nairobi", "KE"), ("Mumbai", "IN"), ("Bangalore", "IN"), ("Dubai", "AE"),
)  # fmt: skip

STREETS = (
    "Main Street", "High Street", "Station Road", "Church Lane", "Market Square", "Park Avenue",
    "Mill Road", "Harbour Way", "Canal Street", "Oak Avenue", "Elm Street", "River Road",
    "Garden Lane", "King Street", "Queen Street", "Bridge Street", "Castle Hill", "School Lane",
)  # fmt: skip

EMAIL_DOMAINS = (
    "example.com", "example.org", "example.net", "mail.example", "inbox.example",
    "post.example",
)  # fmt: skip

COMPANY_SUFFIXES = ("Ltd", "GmbH", "Inc", "BV", "SA", "AB", "Oy", "SpA")

# category -> nouns; product names are "<adjective> <noun>".
CATEGORIES = {
    "books": ("Novel", "Cookbook", "Atlas", "Field Guide", "Anthology", "Biography"),
    "audio": ("Headphones", "Speaker", "Earbuds", "Soundbar", "Turntable", "Microphone"),
    "computing": ("Laptop Stand", "Keyboard", "Mouse", "Monitor", "USB Hub", "Webcam"),
    "home": ("Lamp", "Kettle", "Blender", "Throw Blanket", "Vase", "Coffee Grinder"),
    "outdoor": ("Tent", "Backpack", "Water Bottle", "Headlamp", "Sleeping Bag", "Camp Stove"),
    "toys": ("Puzzle", "Building Set", "Kite", "Board Game", "Plush Bear", "Yo-yo"),
}
PRODUCT_NOUNS = tuple(noun for nouns in CATEGORIES.values() for noun in nouns)
PRODUCT_ADJECTIVES = (
    "Classic", "Compact", "Deluxe", "Eco", "Essential", "Lightweight", "Modern", "Nordic",
    "Pocket", "Premium", "Pro", "Retro", "Smart", "Studio", "Travel", "Ultra", "Vintage",
    "Wireless",
)  # fmt: skip

# platform -> device models as the OS reports them.
DEVICES = {
    "ios": ("iPhone14,5", "iPhone15,2", "iPhone15,4", "iPhone16,1", "iPhone16,2", "iPad13,18"),
    "android": (
        "Pixel 7", "Pixel 8", "Pixel 8 Pro", "SM-S911B", "SM-A546B", "SM-G991B", "CPH2451",
        "M2101K6G",
    ),
}  # fmt: skip

CARRIERS = ("DHL", "UPS", "FedEx", "DPD", "GLS", "PostNL")
