"""What the demo organisations have to share: things as a municipal employee would post them.

Each organisation picks its own mix from this list (demo.listings). ``unit`` says what kind of workplace the
thing comes from; every demo organisation maps these to departments of its own tree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoItem:
    title: str
    category: str  # a category name from catalog.defaults.CATEGORY_TREE
    unit: str  # it, office, school, preschool, care, social, property, amu, culture
    description: str
    condition: str = "good"
    quantity: int = 1
    offer: str = "give_away"
    price: int | None = None
    rent_period: str = ""
    picture: str = ""  # a drawing of demo.photos; by default the category's
    colour: str = ""  # a colour of demo.photos; by default random


ITEMS: list[DemoItem] = [
    # --------------------------------------------------------------------------------------- IT och teknik
    DemoItem(
        'Dell 24" skärm P2419H', "Skärmar", "it",
        "Sex stycken 24-tumsskärmar (1920×1080) med höj- och vridbar fot, HDMI och DisplayPort. Ersatta när vi "
        "gick över till dockningsstationer med USB-C. Strömkablar följer med, bildkablar gör det inte.",
        condition="very_good", quantity=6, colour="black",
    ),
    DemoItem(
        "Laptop Lenovo ThinkPad T14 (rensad)", "Datorer", "it",
        "ThinkPad T14 Gen 1, Intel i5, 16 GB RAM, 256 GB SSD. Hårddiskarna är rensade enligt IT-enhetens rutin och "
        "Windows 11 är ominstallerat. Laddare ingår. Batteriet räcker ungefär tre timmar.",
        quantity=3, colour="black",
    ),
    DemoItem(
        "HP EliteDesk 800 G5 mini-dator", "Datorer", "it",
        "Fyra små stationära datorer med i5, 8 GB RAM och 256 GB SSD. Rensade och återställda. Passar bra som "
        "informationsskärm eller i ett klassrum. Tangentbord och mus medföljer, skärm gör det inte.",
        quantity=4, picture="computer", colour="black",
    ),
    DemoItem(
        'Samsung 27" skärm, böjd', "Skärmar", "office",
        "Två böjda 27-tumsskärmar från ekonomienheten. Fungerar felfritt, en liten repa i ramen på den ena.",
        quantity=2, colour="grey",
    ),
    DemoItem(
        "iPad 9:e generationen med skal", "Mobiler och surfplattor", "preschool",
        "Fem iPads (64 GB) som använts på förskolan. Återställda och borttagna ur mobilhanteringen. Skyddsskal i "
        "gummi följer med, laddare saknas till två av dem.",
        quantity=5, colour="grey",
    ),
    DemoItem(
        "iPhone SE (2020), återställda", "Mobiler och surfplattor", "it",
        "Fyra tjänstetelefoner som ersatts. Återställda till fabriksinställningar, små repor i skärmen. Passar som "
        "reservtelefoner eller för larmappar.",
        condition="worn", quantity=4, picture="phone", colour="black",
    ),
    DemoItem(
        "Skrivare HP LaserJet Pro M404dn", "Skrivare", "office",
        "Svartvit laserskrivare med dubbelsidig utskrift och nätverk. Tonern är nästan full och en oöppnad extra "
        "toner (CF259A) följer med.",
        colour="white",
    ),
    DemoItem(
        "Tangentbord och mus, trådlösa (Logitech MK270)", "Tillbehör", "it",
        "Tio set med trådlöst tangentbord och mus, svensk layout. Överblivna efter utrullningen av nya datorer, "
        "de flesta oanvända i öppnad kartong.",
        condition="very_good", quantity=10, colour="black",
    ),
    DemoItem(
        "Headset Jabra Evolve2 40", "Tillbehör", "it",
        "Sju USB-headset med mikrofon. Öronkuddarna är bytta. Fungerar med Teams.",
        condition="very_good", quantity=7, picture="headset", colour="black",
    ),
    DemoItem(
        "Dokumentförstörare HSM, säkerhetsnivå P-4", "Tillbehör", "office",
        "Dokumentförstörare för kontor, tar tolv ark åt gången. Fungerar men är högljudd.",
        condition="worn", picture="shredder", colour="grey",
    ),
    # --------------------------------------------------------------------------------------- Möbler
    DemoItem(
        "Kontorsstol Kinnarps 8000, svart", "Kontorsstolar", "office",
        "Kontorsstolar med armstöd och ställbar sitthöjd, sittdjup och ryggstöd. Svart tyg utan fläckar eller "
        "revor. Blev över när vi flyttade till nya lokaler.",
        quantity=12, colour="black",
    ),
    DemoItem(
        "Kontorsstol HÅG H05, grå", "Kontorsstolar", "it",
        "Fyra kontorsstolar med synkronmekanik. Sitsen är lite sliten men mekaniken fungerar som den ska.",
        condition="worn", quantity=4, colour="grey",
    ),
    DemoItem(
        "Kontorsstol RH Logic 400, blå", "Kontorsstolar", "social",
        "Två ergonomiska stolar med nackstöd. Ställbara i alla lägen, köpta för tre år sedan.",
        condition="very_good", quantity=2, colour="blue",
    ),
    DemoItem(
        "Höj- och sänkbart skrivbord 160x80", "Skrivbord", "office",
        "Elektriskt höj- och sänkbart skrivbord med vit skiva 160×80 cm och silverfärgat stativ. Minnesfunktion "
        "för två höjder. Kabelränna följer med. Hämtas på plats, vi hjälper gärna till att bära ner.",
        condition="very_good", quantity=8, colour="white",
    ),
    DemoItem(
        "Skrivbord björk 140x70, fast höjd", "Skrivbord", "social",
        "Tre enkla skrivbord i björklaminat. Lite märken i skivan men stabila.",
        condition="worn", quantity=3, colour="birch",
    ),
    DemoItem(
        "Hörnskrivbord vänster, 180x120", "Skrivbord", "property",
        "Höj- och sänkbart hörnskrivbord med vinkel åt vänster. Måste monteras isär för transport, verktyg finns.",
        colour="birch",
    ),
    DemoItem(
        "Bokhylla ek 5 hyllplan", "Hyllor", "culture",
        "Bokhylla i ekfaner, 80×200 cm, fem hyllplan varav fyra ställbara. Några små märken på sidorna.",
        quantity=2, colour="oak",
    ),
    DemoItem(
        "Bokhylla vit 80x202", "Hyllor", "school",
        "Fyra vita bokhyllor av Billy-modell. Används i klassrum i många år, lite kantstötta.",
        condition="worn", quantity=4, colour="white",
    ),
    DemoItem(
        "Arkivskåp med skjutdörrar, grått", "Förvaring", "office",
        "Plåtskåp 100×198 cm med lås, två nycklar finns. Tre hyllplan och en hängmappsram. Tungt, två personer "
        "behövs vid hämtning.",
        quantity=2, colour="grey",
    ),
    DemoItem(
        "Hurts med tre lådor och lås", "Förvaring", "it",
        "Hurtsar på hjul som passar under skrivborden. Nycklar finns till alla.",
        condition="very_good", quantity=9, picture="drawers", colour="white",
    ),
    DemoItem(
        "Förvaringsskåp i björk med dörrar", "Förvaring", "preschool",
        "Lågt skåp med två dörrar och två hyllplan. Passar för pyssel- och materialförråd.",
        colour="birch",
    ),
    DemoItem(
        "Konferensbord för 8 personer", "Bord", "office",
        "Konferensbord 240×110 cm i ekfaner på svarta ben. Delbart i två delar för transport. Stolar ingår inte "
        "men finns i en egen annons.",
        colour="oak",
    ),
    DemoItem(
        "Konferensstolar med armstöd, grå", "Stolar", "office",
        "Åtta konferensstolar med grått tyg och kromade ben. Stapelbara två och två.",
        quantity=8, colour="grey",
    ),
    DemoItem(
        "Runt cafébord Ø 80 cm", "Bord", "culture",
        "Fyra runda bord med pelarfot från caféet. Skivan är i björklaminat.",
        quantity=4, picture="round_table", colour="birch",
    ),
    DemoItem(
        "Stapelbara stolar, blå", "Stolar", "school",
        "Stapelbara stolar från matsalen med plastsits och stålben. Tål att tvättas av.",
        quantity=20, colour="blue",
    ),
    DemoItem(
        "Whiteboard på hjul", "Övriga möbler", "school",
        "Dubbelsidig whiteboard 120×180 cm på hjul med broms. Pennhylla finns, pennor och sudd följer inte med.",
        picture="whiteboard",
    ),
    DemoItem(
        "Skärmvägg textil 160x140, grå", "Skärmväggar", "office",
        "Ljudabsorberande skärmväggar med fötter, från det öppna kontorslandskapet.",
        quantity=6, colour="grey",
    ),
    DemoItem(
        "Bordsskärm för skrivbord, 140 cm", "Skärmväggar", "it",
        "Bordsskärmar i grön filt som skruvas fast i skivan. Beslag finns.",
        condition="very_good", quantity=5, colour="green",
    ),
    DemoItem(
        "Soffa 3-sits, grå tyg", "Soffor och fåtöljer", "care",
        "Soffa från personalrummet, 210 cm bred. Armstöden är lite slitna men inga fläckar. Tvättbar klädsel.",
        condition="worn", colour="grey",
    ),
    DemoItem(
        "Fåtölj i konstläder, brun", "Soffor och fåtöljer", "social",
        "Två fåtöljer från besöksrummet. Bekväma och hela, lite blankslitna på armstöden.",
        quantity=2, picture="armchair", colour="walnut",
    ),
    DemoItem(
        "Läsfåtölj i grön ull", "Soffor och fåtöljer", "culture",
        "Hög läsfåtölj med ullklädsel. Blev över när läsrummet möblerades om.",
        condition="very_good", picture="armchair", colour="green",
    ),
    DemoItem(
        "Sittsäckar i olika färger", "Soffor och fåtöljer", "preschool",
        "Sex sittsäckar med avtagbar och tvättbar klädsel. Fyllningen har sjunkit lite i två av dem.",
        condition="worn", quantity=6, picture="beanbag", colour="orange",
    ),
    DemoItem(
        "Golvlampa med dimmer", "Belysning", "care",
        "Två golvlampor med textilskärm och dimmer på sladden. Ljuskällor (LED) sitter i.",
        condition="very_good", quantity=2, picture="floor_lamp", colour="beige",
    ),
    DemoItem(
        "Skrivbordslampa LED med arm", "Belysning", "office",
        "Tio skrivbordslampor med ledad arm och bordsklämma. Alla fungerar.",
        quantity=10, colour="white",
    ),
    DemoItem(
        "Bokvagn på hjul", "Övriga möbler", "culture",
        "Bokvagnar med tre lutande hyllplan, en av dem med en hjulbroms som kärvar.",
        quantity=3, picture="trolley", colour="birch",
    ),
    DemoItem(
        "Tidskriftshylla med lutande fack", "Hyllor", "culture",
        "Tidskriftshylla med tolv lutande fack och förvaring bakom. 90×180 cm.",
        colour="birch",
    ),
    DemoItem(
        "Matsalsbord 180x90, björk", "Bord", "care",
        "Tre matsalsbord från boendets gemensamma matsal. Höjd 72 cm, går att förlänga med iläggsskiva.",
        quantity=3, colour="birch",
    ),
    DemoItem(
        "Nattduksbord med låda", "Förvaring", "care",
        "Nattduksbord på hjul med en låda och ett öppet fack. Avtorkade och klara att hämtas.",
        quantity=6, picture="drawers", colour="beige",
    ),
    DemoItem(
        "Elevbänkar, höj- och sänkbara", "Bord", "school",
        "Femton enkla elevbänkar med vev för höjden. Skivorna har en del klotter men är hela.",
        condition="worn", quantity=15, picture="desk", colour="birch",
    ),
    DemoItem(
        "Barnstolar i björk, 12 st", "Stolar", "preschool",
        "Tolv barnstolar med sitthöjd 30 cm. Lite färg har flagnat på några ben.",
        condition="worn", quantity=12, colour="birch",
    ),
    DemoItem(
        "Arbetsbänk med skruvstäd", "Bord", "property",
        "Kraftig arbetsbänk 200×80 cm med bokskiva och ett skruvstäd. Står i verkstaden, hämtas med släp.",
        condition="worn", picture="table", colour="oak",
    ),
    # --------------------------------------------------------------------------------------- Kök och hushåll
    DemoItem(
        "Kaffebryggare Moccamaster", "Köksutrustning", "office",
        "Två Moccamaster KBG 741 från fikarummet. Brygger fint men glaskannorna har lite kalkfläckar.",
        quantity=2, colour="black",
    ),
    DemoItem(
        "Kastruller och stekpannor, storkök", "Köksutrustning", "care",
        "Fyra stora kastruller (10–20 liter) och tre stekpannor från tillagningsköket. Fungerar på induktion.",
        condition="worn", picture="pots", colour="black",
    ),
    DemoItem(
        "Serveringsvagn i rostfritt", "Köksutrustning", "care",
        "Serveringsvagnar med tre hyllplan. Ett hjul gnisslar lite.",
        quantity=2, picture="trolley", colour="steel",
    ),
    DemoItem(
        "Mikrovågsugn Electrolux", "Vitvaror", "social",
        "Mikrovågsugn 800 W från personalrummet. Säljs internt, pengarna går till personalkassan.",
        offer="sell", price=200, picture="microwave", colour="white",
    ),
    DemoItem(
        "Kylskåp Bosch 186 cm", "Vitvaror", "office",
        "Kylskåp utan frys, 186 cm högt. Rengjort och avfrostat. Ena dörrfacket har en spricka.",
        colour="white",
    ),
    DemoItem(
        "Diskmaskin, integrerbar", "Vitvaror", "property",
        "Diskmaskin som satt i ett personalkök som byggts om. Fungerade när den monterades ner. Säljs internt.",
        offer="sell", price=800, colour="steel",
    ),
    # --------------------------------------------------------------------------------------- Skola och förskola
    DemoItem(
        "Matte Direkt 5, klassuppsättning", "Läromedel", "school",
        "28 exemplar av Matte Direkt 5 (grundbok A och B). Namnlappar finns i några, annars fina.",
        quantity=28,
    ),
    DemoItem(
        "Glober och väggkartor, blandat", "Läromedel", "school",
        "Sex glober och några väggkartor över Sverige och Europa. Från SO-salen.",
        quantity=6, picture="globe",
    ),
    DemoItem(
        "Fotbollar och handbollar", "Lek och idrott", "school",
        "Femton bollar i blandade storlekar som blev över efter inventeringen av idrottsförrådet. Några behöver "
        "pumpas.",
        quantity=15,
    ),
    DemoItem(
        "Byggklossar i trä, stor sats", "Lek och idrott", "preschool",
        "Två backar med målade byggklossar i trä, drygt 200 bitar.",
        picture="blocks",
    ),
    # --------------------------------------------------------------------------------------- Övrigt
    DemoItem(
        "Flyttkartonger med handtag", "Övrigt", "amu",
        "Fyrtio flyttkartonger som använts en gång. Hämta så många ni behöver.",
        condition="very_good", quantity=40,
    ),
    DemoItem(
        "Städvagn med sopsäckshållare", "Övrigt", "property",
        "Städvagn med två hinkar och hållare för sopsäck. Mopphållaren saknas.",
        condition="needs_repair", picture="trolley", colour="blue",
    ),
    DemoItem(
        "Kontorsstolar, blandade modeller", "Kontorsstolar", "amu",
        "Stolar som samlats in vid flyttar och rengjorts av arbetsmarknadsenheten. Blandade märken, alla "
        "kontrollerade och fungerande.",
        quantity=9,
    ),
    DemoItem(
        "Skrivbord med stålben, renoverat", "Skrivbord", "amu",
        "Skrivbord 160×80 som arbetsmarknadsenheten har slipat och oljat om. Ser ut som nytt.",
        condition="very_good", quantity=3, colour="oak",
    ),
    DemoItem(
        "Lampor och armaturer, blandat", "Belysning", "amu",
        "Skrivbordslampor och några pendlar från utrymda lokaler. Alla testade.",
        quantity=7,
    ),
]

# Lent and rented out: every demo organisation has all of these, with loans in every state (demo.loans), so that
# the calendar and the statistics have something to show. Kept apart from ITEMS, whose listings are reserved and
# handed over instead.
LENDING: list[DemoItem] = [
    DemoItem(
        "Konferenstelefon Jabra Speak 510", "Ljud och bild", "it",
        "Lånas ut till möten och utbildningar. Ansluts med USB eller Bluetooth. Hämtas och lämnas i IT-enhetens "
        "reception.",
        condition="very_good", offer="lend", picture="conference_phone", colour="black",
    ),
    DemoItem(
        "Projektor Epson EB-W51", "Ljud och bild", "school",
        "Projektor med HDMI och fjärrkontroll. Lånas ut veckovis, boka via kontaktpersonen. Väska och kablar ingår.",
        offer="lend", colour="white",
    ),
    DemoItem(
        "Högtalare med mikrofon, Bose S1 Pro", "Ljud och bild", "culture",
        "Batteridriven högtalare med trådlös mikrofon, bra till utomhusevenemang och föreläsningar. Hyrs ut per dag.",
        condition="very_good", offer="rent", price=150, rent_period="day", picture="speaker", colour="black",
    ),
    DemoItem(
        "Släpkärra 750 kg", "Övrigt", "property",
        "Obromsad släpkärra med flakmått 250×130 cm och kapell. Hyrs ut per dag till andra förvaltningar.",
        offer="rent", price=100, rent_period="day", picture="trailer", colour="grey",
    ),
    DemoItem(
        "Trappstege i aluminium, 6 steg", "Övrigt", "property",
        "Lånas ut till den som behöver hänga tavlor eller byta armaturer. Lämnas tillbaka samma vecka.",
        offer="lend", picture="ladder", colour="steel",
    ),
]
