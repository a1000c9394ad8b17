"""Word lists that make realistic, varied Swedish listings for bench/search.py.

A title is a thing of a category ("Kontorsstol", "Höj- och sänkbart skrivbord"), often with a make and model, a
colour, material or size ("Kontorsstol HÅG H05, grå"); a description is a few sentences from pools about the kind
of thing, its condition, where it came from and how to fetch it. Categories come in proportions a municipality
would see (many chairs, desks and screens; few globes), so that a search matches as large a share as it would in
real data: "stol" matches about one listing in five.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    category: str
    weight: int
    nouns: list[str]
    models: list[str]
    attributes: list[str]
    sentences: list[str]


COLOURS = ["svart", "grå", "vit", "blå", "röd", "grön", "beige", "antracit", "gul", "orange", "brun"]
WOODS = ["ek", "björk", "bok", "furu", "valnöt", "vitlaserad ek", "svartbetsad ask"]

KINDS = [
    Kind("Kontorsstolar", 10,
         ["Kontorsstol", "Kontorsstolar", "Skrivbordsstol", "Arbetsstol", "Ergonomisk kontorsstol", "Sadelstol",
          "Konferensstol på hjul", "Ståstöd", "Kontorsstol med nackstöd"],
         ["Kinnarps 8000", "Kinnarps 6000", "Kinnarps Capella", "HÅG H04", "HÅG H05", "HÅG Capisco",
          "RH Logic 400", "RH Activ 220", "Savo S5", "EFG Dona", "Malmstolen", "Ikea Markus", "Scandiform Cobra"],
         COLOURS,
         ["Ställbar sitthöjd, sittdjup och ryggstöd.", "Armstöden går att justera i höjd.",
          "Synkronmekanik som fungerar som den ska.", "Tyget är tvättat.", "Hjulen passar både matta och golv.",
          "Stolen har nackstöd.", "Passar vid höj- och sänkbara skrivbord."]),
    Kind("Stolar", 9,
         ["Stol", "Stolar", "Stapelstol", "Stapelbara stolar", "Konferensstol", "Besöksstol", "Matsalsstol",
          "Barnstol", "Elevstol", "Pinnstol", "Köksstol", "Fällstolar", "Barstol", "Konferensstolar"],
         ["Kinnarps Plus", "Lammhults Campus", "Materia Eon", "Ikea Adde", "Ikea Teodores", "Gärsnäs Pilo",
          "Nordic Classic", "Offecct Wood", "Flisat"],
         COLOURS + WOODS + ["krom", "med armstöd", "med dyna"],
         ["Stolarna går att stapla.", "Sitsen är i formpressad bok.", "Några stolar har lösa tassar.",
          "Klädseln är av tvättbar konstläder.", "Passar i matsal, konferensrum eller klassrum.",
          "Stolarna har stått i ett mötesrum och är knappt använda."]),
    Kind("Skrivbord", 9,
         ["Skrivbord", "Höj- och sänkbart skrivbord", "Elektriskt skrivbord", "Hörnskrivbord", "Elevbänk",
          "Skrivbord med vev", "Lärarbord", "Skrivbord med hurts", "Elevbänkar"],
         ["Kinnarps Oberon", "Ikea Bekant", "Martela", "EFG Match", "Linak", "Kinnarps Serie [e]"],
         ["160x80", "140x80", "180x90", "120x60", "140x70", "200x100", "vit skiva", "grå laminat"] + WOODS,
         ["Elektriskt höj- och sänkbart med minnesfunktion.", "Kabelränna ingår.", "Skivan har några repor.",
          "Stativet är silverfärgat.", "Går att ta isär för transport.", "Elevbänkarna har förvaringsfack."]),
    Kind("Förvaring", 7,
         ["Arkivskåp", "Hurts", "Lådhurts", "Förvaringsskåp", "Plåtskåp", "Låsbart skåp", "Garderob",
          "Personalskåp", "Materialskåp", "Dokumentskåp", "Sekretessskåp", "Kassaskåp", "Nyckelskåp"],
         ["Kinnarps", "Lista", "EFG", "Ikea Alex", "Ikea Galant", "Prolit", "Kontorsmöbler"],
         COLOURS + WOODS + ["med lås", "med skjutdörrar", "på hjul", "tre lådor"],
         ["Nycklar finns.", "Hyllplanen är ställbara.", "Skåpet är tungt, två personer behövs.",
          "Hängmappsram ingår.", "Lådorna går lätt.", "Passar under ett skrivbord."]),
    Kind("Bord", 7,
         ["Konferensbord", "Cafébord", "Matsalsbord", "Soffbord", "Sidobord", "Ståbord", "Mötesbord", "Runt bord",
          "Fällbord", "Klaffbord", "Lunchbord", "Arbetsbänk"],
         ["Kinnarps", "Lammhults", "Ikea Ingatorp", "Materia", "Offecct", "Gärsnäs"],
         ["Ø 80 cm", "Ø 120 cm", "240x110", "180x90", "120x80", "för 8 personer", "för 12 personer",
          "för 4 personer"] + WOODS,
         ["Bordet är delbart i två delar.", "Benen är svarta.", "Skivan är i laminat och tål det mesta.",
          "Iläggsskiva finns.", "Bordet har stått i personalrummet."]),
    Kind("Hyllor", 6,
         ["Bokhylla", "Hyllsektion", "Vägghylla", "Tidskriftshylla", "Lagerhylla", "Hyllställ", "Bokhyllor",
          "Öppen hylla", "Hyllsystem", "Bokvagn"],
         ["Ikea Billy", "Ikea Kallax", "String", "Lundia", "Kinnarps", "Constructor"],
         WOODS + ["vit", "svart", "metall", "5 hyllplan", "4 hyllplan", "80x200", "60x180", "med dörrar"],
         ["Hyllplanen är ställbara.", "Ska skruvas fast i väggen.", "Några märken på sidorna.",
          "Passar i bibliotek, klassrum eller kontor.", "Hyllorna är lätta att ta isär."]),
    Kind("Soffor och fåtöljer", 4,
         ["Soffa 2-sits", "Soffa 3-sits", "Fåtölj", "Läsfåtölj", "Sittpuff", "Sittsäck", "Soffgrupp",
          "Väntrumssoffa", "Modulsoffa", "Fåtöljer"],
         ["Ikea Klippan", "Ikea Ektorp", "Lammhults", "Offecct", "Swedese", "Norrgavel"],
         COLOURS + ["tyg", "ull", "konstläder", "skinn", "manchester"],
         ["Klädseln är avtagbar och tvättbar.", "Lite slitage på armstöden.", "Inga fläckar.",
          "Från personalrummet.", "Från väntrummet i receptionen."]),
    Kind("Skärmväggar", 3,
         ["Skärmvägg", "Bordsskärm", "Akustikskärm", "Golvskärm", "Rumsavdelare", "Ljudabsorbent",
          "Skärmväggar"],
         ["Abstracta", "Kinnarps", "Ecophon", "Baux", "Glimakra"],
         COLOURS + ["160x140", "140 cm", "filt", "textil", "glas"],
         ["Ljudabsorberande.", "Fötter och beslag ingår.", "Skruvas fast i bordsskivan.",
          "Från det öppna kontorslandskapet."]),
    Kind("Belysning", 4,
         ["Skrivbordslampa", "Golvlampa", "Taklampa", "Pendellampa", "Armatur", "Läslampa", "Lysrörsarmatur",
          "LED-armatur", "Vägglampa", "Lampor"],
         ["Luxo", "Ikea Forså", "Fagerhult", "Glamox", "Louis Poulsen", "Herstal"],
         COLOURS + ["LED", "med dimmer", "med klämma", "E27"],
         ["Ljuskällor ingår.", "Alla är testade och fungerar.", "Sladden är lång.", "Ledad arm."]),
    Kind("Övriga möbler", 3,
         ["Whiteboard", "Whiteboard på hjul", "Anslagstavla", "Klädhängare", "Rockhängare", "Talarstol",
          "Blädderblock", "Kapphylla", "Paraplyställ", "Spegel", "Skohylla"],
         ["Lintex", "Nobo", "Legamaster", "Essem Design"],
         COLOURS + ["120x180", "90x120", "dubbelsidig", "på hjul"],
         ["Pennhylla finns.", "Går att fästa på väggen.", "Hjulen har broms.", "Sudd och pennor ingår inte."]),
    Kind("Datorer", 6,
         ["Laptop", "Bärbar dator", "Stationär dator", "Mini-dator", "Dator", "Laptops", "Datorer"],
         ["Lenovo ThinkPad T14", "Lenovo ThinkPad T480", "Lenovo ThinkPad X1 Carbon", "Dell Latitude 5420",
          "Dell Latitude 7490", "Dell OptiPlex 7060", "HP EliteBook 840 G6", "HP EliteDesk 800 G5",
          "HP ProBook 450", "Apple MacBook Air", "Apple MacBook Pro", "Fujitsu Esprimo"],
         ["(rensad)", "i5, 16 GB", "i7, 16 GB", "8 GB RAM", "med laddare", "256 GB SSD"],
         ["Rensad enligt IT-enhetens rutin.", "Windows 11 är ominstallerat.", "Laddare ingår.",
          "Batteriet håller ett par timmar.", "Tangentbordet är svenskt.", "Passar som reservdator."]),
    Kind("Skärmar", 6,
         ["Skärm", "Datorskärm", "Bildskärm", "Skärmar", "Monitor"],
         ['Dell 24" P2419H', 'Dell 27" U2719D', 'Dell 22" E2216H', 'HP 24" E24 G4', 'HP 27" Z27',
          'Samsung 27" böjd', 'LG 32" UltraFine', 'Philips 22"', 'Eizo 24" FlexScan', 'Lenovo 24" ThinkVision'],
         ["HDMI", "USB-C", "höj- och sänkbar fot", "4K", "Full HD"],
         ["Strömkabel ingår, bildkabel gör det inte.", "Foten går att höja och vrida.",
          "Inga döda pixlar.", "Ersatt vid byte till dockningsstationer.", "Liten repa i ramen."]),
    Kind("Mobiler och surfplattor", 3,
         ["iPad", "Surfplatta", "Mobiltelefon", "Tjänstemobil", "iPhone SE", "iPhone 11", "Läsplatta"],
         ["Apple", "Samsung Galaxy A52", "Samsung Galaxy Tab A8", "Doro", "Lenovo Tab"],
         ["med skal", "64 GB", "återställd", "utan laddare"],
         ["Återställd till fabriksinställningar.", "Borttagen ur mobilhanteringen.", "Skyddsskal ingår.",
          "Små repor på skärmen."]),
    Kind("Skrivare", 2,
         ["Skrivare", "Laserskrivare", "Multifunktionsskrivare", "Etikettskrivare", "Bläckstråleskrivare",
          "Kopiator", "Skanner"],
         ["HP LaserJet Pro M404dn", "HP Color LaserJet", "Brother HL-L2350", "Canon i-SENSYS", "Ricoh MP C3004",
          "Zebra GK420", "Epson WorkForce"],
         ["nätverk", "duplex", "färg", "svartvit"],
         ["Toner ingår.", "Dubbelsidig utskrift.", "Ansluts med nätverkskabel.", "Pappersfacket tar 250 ark."]),
    Kind("Tillbehör", 5,
         ["Tangentbord", "Mus", "Dockningsstation", "Headset", "Webbkamera", "Skärmarm", "Laddare", "USB-hubb",
          "Tangentbord och mus", "Kablar", "Skärmfilter", "Datorväska"],
         ["Logitech MK270", "Dell WD19", "Jabra Evolve2 40", "Jabra Evolve 65", "Logitech C920", "Ergotron LX",
          "Dell KB216", "Microsoft", "Lenovo USB-C Dock"],
         ["trådlös", "USB-C", "svensk layout", "svart"],
         ["Överblivna efter utrullningen av nya datorer.", "De flesta är oanvända.", "Fungerar med Teams.",
          "Öronkuddarna är bytta."]),
    Kind("Ljud och bild", 3,
         ["Projektor", "Högtalare", "Konferenstelefon", "Interaktiv skärm", "Dokumentkamera", "TV", "Projektorduk",
          "Mikrofon", "Ljudanläggning"],
         ["Epson EB-W51", "BenQ MW550", "Jabra Speak 510", "Bose S1 Pro", 'Samsung 55"', "Promethean ActivPanel",
          "IPEVO V4K", "Polycom"],
         ["med fjärrkontroll", "HDMI", "på stativ", "trådlös"],
         ["Väska och kablar ingår.", "Lampan är bytt.", "Bra till möten och utbildningar.",
          "Hämtas och lämnas i receptionen."]),
    Kind("Köksutrustning", 3,
         ["Kaffebryggare", "Vattenkokare", "Brödrost", "Kastruller", "Serveringsvagn", "Termos", "Kaffemaskin",
          "Porslin", "Bestick", "Glas", "Stekpannor"],
         ["Moccamaster", "Bravilor", "Wilfa", "Electrolux", "Rörstrand", "Iittala"],
         ["rostfri", "storkök", "till 12 personer", "svart"],
         ["Från fikarummet.", "Fungerar på induktion.", "Kalkfläckar på kannan.", "Diskat och klart."]),
    Kind("Vitvaror", 2,
         ["Kylskåp", "Frys", "Mikrovågsugn", "Diskmaskin", "Tvättmaskin", "Torktumlare", "Spis", "Kyl och frys"],
         ["Bosch", "Electrolux", "Siemens", "Whirlpool", "Samsung", "Miele", "Cylinda"],
         ["vit", "rostfri", "185 cm", "integrerbar"],
         ["Rengjord och avfrostad.", "Fungerade när den monterades ner.", "Dörrfacket har en spricka.",
          "Energiklass A++."]),
    Kind("Läromedel", 3,
         ["Läroböcker", "Klassuppsättning", "Glob", "Väggkarta", "Miniräknare", "Lexikon", "Skönlitteratur",
          "Arbetsböcker", "Mattematerial", "Mikroskop"],
         ["Matte Direkt", "Favorit matematik", "Puls NO", "Gleerups", "Liber", "Natur & Kultur"],
         ["åk 4", "åk 5", "åk 7", "28 ex", "30 ex"],
         ["Namnlappar finns i några.", "Från SO-salen.", "Något slitna ryggar.", "Passar mellanstadiet."]),
    Kind("Lek och idrott", 3,
         ["Fotbollar", "Bandyklubbor", "Gymnastikmattor", "Byggklossar", "Lekkök", "Cykelhjälmar",
          "Innebandyklubbor", "Hopprep", "Pulkor", "Dockvagn", "Ribbstol", "Balansbräda"],
         ["Select", "Unihoc", "Brio", "Micki", "Lekolar"],
         ["blandade storlekar", "i trä", "för förskola", "stor sats"],
         ["Från idrottsförrådet.", "Några behöver pumpas.", "Tvättade och hela.", "Passar förskola och fritids."]),
    Kind("Övrigt", 3,
         ["Flyttkartonger", "Trappstege", "Släpkärra", "Skottkärra", "Pall", "Rollator", "Säckkärra",
          "Högtryckstvätt", "Städvagn", "Presenningar", "Verktygslåda", "Lastpallar", "Cykel", "Elcykel"],
         ["Kärcher", "Biltema", "Zarges", "Crescent", "Monark"],
         ["750 kg", "6 steg", "40 st", "med kapell", "aluminium"],
         ["Lånas ut veckovis.", "Hämtas vid förrådet.", "Lämnas tillbaka samma vecka.", "Använda en gång."]),
]

CONDITION_SENTENCES = {
    "new": ["Oanvänd, i obruten förpackning.", "Ny, felbeställd."],
    "very_good": ["Mycket fint skick.", "Knappt använd.", "Som ny."],
    "good": ["Fint skick med normalt slitage.", "Fungerar som den ska.", "Några små märken men inget som stör."],
    "worn": ["Slitage efter många års användning.", "Repor och märken, men fungerar.", "Synligt sliten."],
    "needs_repair": ["Behöver lagas.", "En del saknas, se bild.", "Fungerar inte helt, passar den som kan laga."],
}
ORIGIN_SENTENCES = [
    "Blev över när vi flyttade till nya lokaler.", "Ersatt vid den senaste upphandlingen.",
    "Från ett kontor som har byggts om.", "Vi har för många och behöver plats i förrådet.",
    "Från en avdelning som har slagits ihop med en annan.", "Inventerat av arbetsmarknadsenheten.",
    "Har stått oanvänd i ett år.", "Från skolans ombyggnad i somras.",
]
PICKUP_SENTENCES = [
    "Hämtas vardagar 8–16 efter överenskommelse.", "Ring kontaktpersonen innan ni kommer.",
    "Arbetsmarknadsenheten kan köra ut internt.", "Hämtas på plats, vi hjälper gärna till att bära.",
    "Kan hämtas i lastkajen på baksidan.", "Måste hämtas inom två veckor, annars går det till återvinning.",
]
DEPARTMENTS = {
    "Kommunledningsförvaltningen": ["Arbetsmarknadsenheten", "IT-enheten", "Ekonomienheten", "HR-enheten",
                                    "Kommunikationsenheten"],
    "Barn- och utbildningsförvaltningen": ["Centralskolan", "Norrskolan", "Söderskolan", "Gymnasiet",
                                           "Förskolan Solen", "Förskolan Månen", "Förskolan Stjärnan"],
    "Socialförvaltningen": ["Äldreomsorgen", "Hemtjänsten", "Individ- och familjeomsorgen",
                            "Funktionsstöd"],
    "Samhällsbyggnadsförvaltningen": ["Fastighetsenheten", "Gatuenheten", "Bygglovsenheten"],
    "Kultur- och fritidsförvaltningen": ["Biblioteket", "Simhallen", "Fritidsgården"],
}
STREETS = ["Storgatan", "Kyrkogatan", "Skolgatan", "Järnvägsgatan", "Industrigatan", "Stationsvägen",
           "Östergatan", "Västergatan", "Norra vägen", "Södra Promenaden", "Torggatan", "Parkvägen"]
BUILDINGS = ["Stadshuset", "Kommunhuset", "Hus A", "Hus B", "Förrådet", "Biblioteket", "Verkstaden",
             "Vårdboendet", "Skolan", "Fritidsgården", ""]
ROOMS = ["Rum 101", "Rum 214", "Förråd plan 1", "Förråd plan 3", "Källaren", "Personalrummet", "Sal 12",
         "Lagret", "Hall B", "Vinden", ""]
CONDITIONS = ["new", "very_good", "good", "worn", "needs_repair"]
CONDITION_WEIGHTS = [4, 22, 48, 22, 4]
STATUSES = ["published", "reserved", "handed_over", "withdrawn", "draft"]
STATUS_WEIGHTS = [85, 4, 8, 2, 1]


@dataclass(frozen=True)
class Generated:
    title: str
    description: str
    category: str
    condition: str
    quantity: int
    offer_type: str
    price: int | None
    rent_period: str
    address: str
    building: str
    room: str
    status: str


class ListingGenerator:
    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.kinds = KINDS
        self.weights = [kind.weight for kind in KINDS]

    def title(self, kind: Kind) -> str:
        rng = self.rng
        parts = [rng.choice(kind.nouns)]
        if rng.random() < 0.55:
            parts.append(rng.choice(kind.models))
        title = " ".join(parts)
        if rng.random() < 0.6:
            title += ", " + rng.choice(kind.attributes)
        if rng.random() < 0.08:
            title += f", {rng.randint(2, 20)} st"
        return title[:120]

    def description(self, kind: Kind, condition: str) -> str:
        rng = self.rng
        sentences = rng.sample(kind.sentences, k=min(len(kind.sentences), rng.randint(1, 3)))
        sentences.append(rng.choice(CONDITION_SENTENCES[condition]))
        if rng.random() < 0.7:
            sentences.append(rng.choice(ORIGIN_SENTENCES))
        sentences.append(rng.choice(PICKUP_SENTENCES))
        return " ".join(sentences)

    def listing(self) -> Generated:
        rng = self.rng
        kind = rng.choices(self.kinds, weights=self.weights)[0]
        condition = rng.choices(CONDITIONS, weights=CONDITION_WEIGHTS)[0]
        quantity = 1 if rng.random() < 0.7 else rng.choice([2, 3, 4, 5, 6, 8, 10, 12, 20, 40])
        offer = rng.choices(["give_away", "lend", "rent", "sell"], weights=[86, 8, 3, 3])[0]
        price = rng.choice([50, 100, 150, 200, 500, 800, 1500]) if offer in ("rent", "sell") else None
        return Generated(
            title=self.title(kind),
            description=self.description(kind, condition),
            category=kind.category,
            condition=condition,
            quantity=quantity,
            offer_type=offer,
            price=price,
            rent_period=rng.choice(["day", "week", "month"]) if offer == "rent" else "",
            address=f"{rng.choice(STREETS)} {rng.randint(1, 60)}, 271 {rng.randint(30, 45)} Bänkby",
            building=rng.choice(BUILDINGS),
            room=rng.choice(ROOMS),
            status=rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0],
        )
