package redact

// The fictional material Surrogate draws from. The names are realistic but
// chosen from no one in particular; the places and facilities are invented.
// Lists only grow at the end: reordering them changes every fake of a seed.

var firstNames = []string{
	"Adela", "Bram", "Celeste", "Dario", "Elsie", "Fintan", "Greta", "Hollis",
	"Ines", "Jasper", "Kirsi", "Linus", "Mireille", "Nico", "Odile", "Pavel",
	"Quinn", "Rosalind", "Soren", "Tamsin", "Ulric", "Vida", "Wendell", "Xenia",
	"Yusra", "Zeke", "Anouk", "Basil", "Corinne", "Desmond", "Esme", "Florian",
	"Gideon", "Hester", "Ivo", "Junia", "Kaito", "Leopold", "Marisol", "Nell",
	"Orla", "Piers", "Rafferty", "Saoirse", "Thaddeus", "Una", "Viggo", "Wilhelmina",
	"Ayodele", "Bao", "Chiara", "Dmitri", "Emeka", "Farida", "Hamish", "Imani",
}

var lastNames = []string{
	"Abernethy", "Blackwood", "Calloway", "Dunleavy", "Ellery", "Fairweather", "Galloway", "Hartigan",
	"Ingersoll", "Jessup", "Kestler", "Lockhart", "Marlowe", "Northcott", "Oyelowo", "Pemberton",
	"Quintana", "Rasmussen", "Sandoval", "Thackeray", "Underhill", "Valdivia", "Winslow", "Yardley",
	"Zamora", "Achebe", "Birkeland", "Castellano", "Delacroix", "Esposito", "Farrow", "Greenhalgh",
	"Halloran", "Ibsen", "Jovanovic", "Kowalski", "Lindgren", "Moriarty", "Nakashima", "Okonjo",
	"Pryce", "Quigley", "Rourke", "Satterfield", "Tolliver", "Umeh", "Vantongeren", "Whitcombe",
	"Abiola", "Brannigan", "Cuthbertson", "Drummond", "Eriksen", "Fennimore", "Gallagher", "Haverford",
}

var towns = []string{
	"Alderbrook", "Birchmont", "Coldwater Flats", "Dunmoor", "Elmsworth", "Fairhollow",
	"Glenridge Falls", "Hollowell", "Ironwood Junction", "Juniper Flats", "Kettle Creek", "Larkspur Hill",
	"Maplecrest", "Northfield Crossing", "Owlsbury", "Pebble Ford", "Quarry Hollow", "Rosewater",
	"Stillbrook", "Tamarack Bend", "Upton Vale", "Willowmere", "Yarrowby", "Zephyr Ridge",
}

var streetNames = []string{
	"Larkspur", "Juniper", "Alder", "Hawthorn", "Quince", "Bramble", "Sorrel", "Thimble",
	"Wren", "Kestrel", "Marigold", "Foxglove", "Heron", "Lantern", "Copperleaf", "Saffron",
	"Tansy", "Yarrow", "Clover", "Silverbirch",
}

var facilityStems = []string{
	"Wrenfield", "Larkmoor", "Quillby", "Fernhollow", "Bramblecote", "Kestrel Ridge",
	"Oakhaven", "Silverbrook", "Marrowdale", "Thistlewood", "Ashcombe", "Brackenridge",
	"Dovecrest", "Elderglen", "Foxmere", "Glenhollow", "Hartwell", "Juniper Vale",
	"Kingsmere", "Lindenwood", "Mossbank", "Northwind", "Orchard Hill", "Pennyroyal",
}

var saints = []string{
	"Aldhelm", "Cuthbert", "Swithun", "Oswin", "Wilfrid", "Wulfstan",
	"Hilda", "Brigid", "Finnian", "Ninian", "Walburga", "Etheldreda",
}

// holidays are date spans Surrogate replaces by another holiday.
var holidays = []string{
	"New Year's Day", "New Year's Eve", "Valentine's Day", "St. Patrick's Day", "Easter",
	"Mother's Day", "Memorial Day", "Father's Day", "Fourth of July", "Independence Day",
	"Labor Day", "Halloween", "Thanksgiving", "Christmas Eve", "Christmas", "Christmas Day",
	"Veterans Day", "Juneteenth", "Good Friday", "Super Bowl Sunday",
}

// areaCodes prefix fake phone numbers: 555-0100 to 555-0199 are reserved for
// fiction in every North American area code.
var areaCodes = []string{
	"201", "206", "212", "303", "312", "404", "415", "503",
	"512", "602", "617", "702", "713", "808", "919", "971",
}

// idLabels are words a span of an identifier type may hold that Surrogate
// keeps: they say what the number is, not whose ("bed 4", "Room 512B").
var idLabels = map[string]bool{
	"bed": true, "room": true, "rm": true, "suite": true, "ste": true, "unit": true,
	"bay": true, "ward": true, "case": true, "apt": true, "no": true, "nr": true,
	"num": true, "number": true, "box": true, "pod": true, "stall": true, "cubicle": true,
	"floor": true, "fl": true, "rx": true, "sn": true, "serial": true, "ref": true,
	"id": true, "mrn": true, "acct": true, "account": true, "plate": true, "lic": true,
}

// facilityWords are generic words of a facility's name that Surrogate keeps,
// replacing only the distinctive part: "Mercy General" becomes
// "Wrenfield General".
var facilityWords = map[string]bool{
	"hospital": true, "general": true, "medical": true, "center": true, "centre": true,
	"clinic": true, "regional": true, "memorial": true, "community": true, "university": true,
	"health": true, "healthcare": true, "care": true, "urgent": true, "family": true,
	"children's": true, "women's": true, "manor": true, "nursing": true, "home": true,
	"rehab": true, "rehabilitation": true, "hospice": true, "assisted": true, "living": true,
	"senior": true, "village": true, "school": true, "elementary": true, "middle": true,
	"high": true, "academy": true, "college": true, "daycare": true, "preschool": true,
	"plant": true, "factory": true, "warehouse": true, "mill": true, "mine": true,
	"logistics": true, "paper": true, "foods": true, "steel": true, "motors": true,
	"inc": true, "inc.": true, "llc": true, "co": true, "co.": true, "corp": true, "corp.": true,
	"company": true, "industries": true, "store": true, "market": true, "station": true,
	"neuro": true, "neurology": true, "cardiology": true, "orthopedics": true, "pediatrics": true,
	"dental": true, "dentistry": true, "oncology": true, "surgery": true, "surgical": true,
	"psychiatric": true, "behavioral": true, "institute": true, "ed": true, "er": true,
	"icu": true, "nicu": true, "of": true, "and": true, "&": true,
}
