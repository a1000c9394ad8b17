"""Illustrations for the demo listings, drawn with Pillow: no downloads, no files on disk.

Each picture is a simple, recognisable drawing of the kind of thing (a chair, a desk, a monitor…) on a soft
coloured background with a floor and a shadow, 800×600. It is drawn at twice the size and scaled down, which
smooths the edges. The object's colour comes from the listing ("svart", "ek"); the background from a seed, so
two listings of the same kind still look different. ``upload`` returns it as an uploaded JPEG, so the demo
sends it through the same photo processing as a real upload.
"""

from __future__ import annotations

import colorsys
import io
import random
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 800, 600
SCALE = 2  # drawn at 1600×1200, reduced to 800×600
FLOOR = 450  # where the floor starts, in 800×600 coordinates

COLOURS: dict[str, tuple[int, int, int]] = {
    "black": (44, 45, 50),
    "grey": (128, 132, 138),
    "white": (238, 238, 234),
    "birch": (226, 200, 154),
    "oak": (182, 136, 86),
    "walnut": (112, 74, 48),
    "red": (182, 54, 48),
    "blue": (48, 92, 164),
    "green": (68, 128, 90),
    "yellow": (230, 184, 52),
    "orange": (222, 120, 48),
    "beige": (214, 196, 168),
    "steel": (176, 182, 188),
}

# The picture a category gets unless a listing names another.
CATEGORY_PICTURES: dict[str, str] = {
    "Kontorsstolar": "office_chair",
    "Skrivbord": "desk",
    "Förvaring": "cabinet",
    "Bord": "table",
    "Stolar": "chair",
    "Soffor och fåtöljer": "sofa",
    "Hyllor": "bookshelf",
    "Skärmväggar": "partition",
    "Belysning": "lamp",
    "Övriga möbler": "box",
    "Datorer": "laptop",
    "Skärmar": "monitor",
    "Mobiler och surfplattor": "tablet",
    "Skrivare": "printer",
    "Tillbehör": "keyboard",
    "Ljud och bild": "projector",
    "Köksutrustning": "coffee_maker",
    "Vitvaror": "fridge",
    "Läromedel": "books",
    "Lek och idrott": "balls",
    "Övrigt": "box",
}

Colour = tuple[int, int, int]


def _shade(colour: Colour, factor: float) -> Colour:
    """Darker (factor < 1) or lighter (factor > 1, towards white) version of a colour."""
    if factor <= 1:
        return tuple(max(0, int(c * factor)) for c in colour)  # type: ignore[return-value]
    return tuple(min(255, int(c + (255 - c) * (factor - 1))) for c in colour)  # type: ignore[return-value]


class Canvas:
    """ImageDraw in 800×600 coordinates on a canvas SCALE times larger."""

    def __init__(self, background: Colour, floor: Colour) -> None:
        self.image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), background)
        self.draw = ImageDraw.Draw(self.image)
        self.rect((0, FLOOR, WIDTH, HEIGHT), floor)

    @staticmethod
    def _xy(box) -> list[float]:
        return [value * SCALE for value in box]

    def rect(self, box, fill: Colour, outline: Colour | None = None, width: int = 0) -> None:
        self.draw.rectangle(self._xy(box), fill=fill, outline=outline, width=width * SCALE)

    def rrect(self, box, radius: float, fill: Colour, outline: Colour | None = None, width: int = 0) -> None:
        self.draw.rounded_rectangle(self._xy(box), radius=radius * SCALE, fill=fill, outline=outline,
                                    width=width * SCALE)

    def ellipse(self, box, fill: Colour | None, outline: Colour | None = None, width: int = 0) -> None:
        self.draw.ellipse(self._xy(box), fill=fill, outline=outline, width=width * SCALE)

    def poly(self, points, fill: Colour) -> None:
        self.draw.polygon([(x * SCALE, y * SCALE) for x, y in points], fill=fill)

    def line(self, points, fill: Colour, width: int) -> None:
        self.draw.line([(x * SCALE, y * SCALE) for x, y in points], fill=fill, width=width * SCALE, joint="curve")

    def arc(self, box, start: float, end: float, fill: Colour, width: int) -> None:
        self.draw.arc(self._xy(box), start, end, fill=fill, width=width * SCALE)

    def shadow(self, centre_x: float, half_width: float, floor: Colour) -> None:
        self.ellipse((centre_x - half_width, FLOOR + 14, centre_x + half_width, FLOOR + 52), _shade(floor, 0.88))

    def finish(self) -> Image.Image:
        return self.image.reduce(SCALE)


# ---------------------------------------------------------------------------------------------- furniture


def _office_chair(c: Canvas, main: Colour, rng: random.Random) -> None:
    metal = (70, 72, 78)
    for dx in (-120, -60, 60, 120):  # star base and castors
        c.line([(400, 470), (400 + dx, 500 - abs(dx) // 6)], metal, 12)
        c.ellipse((400 + dx - 14, 492 - abs(dx) // 6, 400 + dx + 14, 520 - abs(dx) // 6), (30, 30, 32))
    c.rect((390, 330, 410, 475), (150, 152, 158))  # gas lift
    c.rrect((280, 300, 520, 350), 20, main)  # seat
    c.rrect((300, 100, 500, 290), 40, main)  # back
    c.rect((390, 270, 410, 310), metal)
    for x in (270, 510):  # armrests
        c.line([(x, 330), (x, 270)], metal, 10)
        c.rrect((x - 30, 255, x + 20 if x < 400 else x + 30, 272), 8, (40, 40, 42))


def _chair(c: Canvas, main: Colour, rng: random.Random) -> None:
    leg = _shade(main, 0.7) if rng.random() < 0.5 else (80, 82, 88)
    for x in (320, 470):
        c.line([(x, 330), (x - 10, 500)], leg, 12)
    c.line([(350, 340), (355, 470)], leg, 10)
    c.line([(445, 340), (440, 470)], leg, 10)
    c.rrect((300, 300, 500, 345), 12, main)  # seat
    c.rrect((318, 130, 482, 220), 18, main)  # back
    for x in (330, 470):
        c.line([(x, 210), (x, 305)], leg, 10)


def _desk(c: Canvas, main: Colour, rng: random.Random) -> None:
    frame = (180, 184, 190) if rng.random() < 0.6 else (50, 52, 56)
    for x in (210, 590):  # T-legs of a sit-stand desk
        c.rect((x - 14, 285, x + 14, 475), frame)
        c.rrect((x - 60, 470, x + 60, 488), 6, _shade(frame, 0.8))
    c.rect((210, 300, 590, 318), _shade(frame, 0.9))  # cross beam
    c.rrect((140, 250, 660, 282), 6, main)  # top
    c.rect((140, 276, 660, 290), _shade(main, 0.8))
    c.rrect((560, 284, 600, 298), 4, (40, 40, 44))  # up/down control


def _bookshelf(c: Canvas, main: Colour, rng: random.Random) -> None:
    side = _shade(main, 0.82)
    c.rect((280, 60, 520, 480), side)
    c.rect((296, 76, 504, 464), _shade(main, 0.6))
    shelf_ys = [76 + i * 78 for i in range(6)]
    for y in shelf_ys[1:]:
        c.rect((296, y - 8, 504, y + 4), main)
    for bottom in shelf_ys[1:]:  # books on the shelves
        x = 302
        while x < 490 and rng.random() < 0.93:
            width = rng.randint(10, 22)
            height = rng.randint(40, 64)
            hue = rng.random()
            colour = tuple(int(v * 255) for v in colorsys.hsv_to_rgb(hue, 0.45, 0.72))
            c.rect((x, bottom - 8 - height, x + width, bottom - 8), colour)
            x += width + rng.randint(1, 4)
            if rng.random() < 0.05:
                x += 40


def _cabinet(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rect((270, 120, 530, 478), main, outline=_shade(main, 0.75), width=3)
    c.line([(400, 130), (400, 468)], _shade(main, 0.7), 3)
    for x in (385, 415):
        c.rrect((x - 4, 270, x + 4, 320), 3, (70, 72, 76))
    c.ellipse((392, 240, 408, 256), (160, 150, 90))  # lock
    c.rect((270, 470, 530, 482), _shade(main, 0.6))


def _drawers(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rrect((320, 260, 480, 470), 6, main, outline=_shade(main, 0.75), width=3)
    for top in (270, 335, 400):
        c.rect((330, top, 470, top + 58), _shade(main, 0.95), outline=_shade(main, 0.75), width=2)
        c.rrect((370, top + 24, 430, top + 32), 3, (80, 82, 88))
    for x in (340, 460):
        c.ellipse((x - 9, 468, x + 9, 486), (40, 40, 42))


def _table(c: Canvas, main: Colour, rng: random.Random) -> None:
    leg = (54, 54, 58) if rng.random() < 0.6 else _shade(main, 0.75)
    for x, bottom in ((170, 470), (630, 470), (250, 440), (550, 440)):
        c.rect((x - 10, 250, x + 10, bottom), leg if bottom == 470 else _shade(leg, 0.8))
    c.poly([(200, 210), (600, 210), (680, 262), (120, 262)], main)
    c.rect((120, 262, 680, 280), _shade(main, 0.78))


def _round_table(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rect((392, 280, 408, 460), (60, 60, 64))
    c.ellipse((320, 455, 480, 485), (60, 60, 64))
    c.ellipse((230, 230, 570, 300), _shade(main, 0.78))
    c.ellipse((230, 220, 570, 288), main)


def _sofa(c: Canvas, main: Colour, rng: random.Random, *, seats: int = 3) -> None:
    width = 140 * seats + 80
    left = 400 - width / 2
    right = 400 + width / 2
    dark = _shade(main, 0.8)
    for x in (left + 30, right - 30):
        c.rect((x - 6, 430, x + 6, 470), (50, 40, 30))
    c.rrect((left + 20, 170, right - 20, 340), 30, dark)  # back
    c.rrect((left + 20, 320, right - 20, 435), 18, dark)  # base
    for n in range(seats):  # cushions
        x = left + 40 + n * 140
        c.rrect((x, 300, x + 136, 360), 16, main)
        c.rrect((x + 6, 190, x + 130, 300), 20, _shade(main, 1.08))
    for x in (left, right - 50):  # armrests
        c.rrect((x, 250, x + 50, 435), 20, main)


def _armchair(c: Canvas, main: Colour, rng: random.Random) -> None:
    _sofa(c, main, rng, seats=1)


def _beanbag(c: Canvas, main: Colour, rng: random.Random) -> None:
    for n, x in enumerate((250, 400, 550)):
        colour = main if n == 1 else tuple(int(v * 255) for v in colorsys.hsv_to_rgb(rng.random(), 0.55, 0.8))
        c.ellipse((x - 95, 300, x + 95, 480), colour)
        c.ellipse((x - 60, 320, x + 40, 380), _shade(colour, 1.12))


def _lamp(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.ellipse((300, 160, 560, 330), (252, 240, 190))  # glow
    c.ellipse((330, 450, 470, 478), main)
    c.line([(400, 462), (330, 300), (430, 200)], main, 12)
    c.ellipse((318, 288, 342, 312), _shade(main, 0.7))
    c.poly([(400, 170), (470, 190), (510, 270), (420, 250)], main)


def _floor_lamp(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.ellipse((260, 60, 540, 260), (252, 242, 200))
    c.ellipse((340, 458, 460, 482), (50, 50, 54))
    c.rect((394, 180, 406, 470), (60, 60, 64))
    c.poly([(330, 200), (470, 200), (440, 90), (360, 90)], main)


def _whiteboard(c: Canvas, main: Colour, rng: random.Random) -> None:
    frame = (170, 174, 180)
    for x in (250, 550):
        c.rect((x - 8, 300, x + 8, 470), frame)
        c.line([(x - 50, 470), (x + 50, 470)], frame, 10)
        for dx in (-44, 44):
            c.ellipse((x + dx - 10, 468, x + dx + 10, 488), (40, 40, 42))
    c.rect((200, 90, 600, 340), frame)
    c.rect((210, 100, 590, 330), (250, 250, 250))
    c.rect((240, 336, 560, 346), _shade(frame, 0.8))  # pen tray
    colours = [(30, 90, 170), (190, 40, 40), (40, 140, 70), (30, 30, 30)]
    for row in range(3):  # a few lines of "writing"
        y = 140 + row * 55
        x = 240
        colour = rng.choice(colours)
        while x < 540:
            length = rng.randint(30, 90)
            c.line([(x, y), (x + length / 2, y - 8), (x + length, y)], colour, 4)
            x += length + 18
    c.ellipse((440, 240, 560, 310), None, outline=rng.choice(colours), width=4)


def _partition(c: Canvas, main: Colour, rng: random.Random) -> None:
    frame = (150, 154, 160)
    for left in (190, 410):
        c.rrect((left, 120, left + 200, 440), 10, frame)
        c.rrect((left + 8, 128, left + 192, 432), 8, main)
        for x in (left + 30, left + 170):
            c.rect((x - 5, 440, x + 5, 465), frame)
            c.rrect((x - 30, 462, x + 30, 472), 4, _shade(frame, 0.8))


def _trolley(c: Canvas, main: Colour, rng: random.Random) -> None:
    frame = (170, 174, 180)
    c.line([(250, 200), (250, 450)], frame, 10)
    c.line([(550, 200), (550, 450)], frame, 10)
    c.line([(230, 180), (270, 200)], frame, 10)  # handle
    for y in (220, 330, 430):
        c.rect((240, y, 560, y + 16), main)
    for x in (265, 535):
        c.ellipse((x - 18, 450, x + 18, 486), (40, 40, 42))


# ---------------------------------------------------------------------------------------------- IT and technology


def _monitor(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rrect((310, 440, 490, 466), 8, main)  # foot
    c.rect((385, 300, 415, 445), _shade(main, 0.85))
    c.rrect((170, 90, 630, 370), 10, main)
    top = rng.random()
    screen = tuple(int(v * 255) for v in colorsys.hsv_to_rgb(0.55 + top * 0.1, 0.55, 0.85))
    c.rect((184, 104, 616, 346), screen)
    c.poly([(184, 104), (420, 104), (300, 346), (184, 346)], _shade(screen, 1.12))
    c.ellipse((396, 352, 404, 360), (120, 200, 120))


def _laptop(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rrect((230, 120, 570, 340), 12, main)  # lid
    screen = tuple(int(v * 255) for v in colorsys.hsv_to_rgb(0.58 + rng.random() * 0.08, 0.5, 0.82))
    c.rect((246, 136, 554, 326), screen)
    c.rect((246, 136, 554, 170), _shade(screen, 0.85))
    c.poly([(230, 340), (570, 340), (650, 440), (150, 440)], _shade(main, 1.15))  # base
    c.poly([(240, 350), (560, 350), (610, 410), (190, 410)], _shade(main, 0.85))  # keyboard
    for row in range(4):
        y = 356 + row * 13
        inset = (3 - row) * 10
        c.line([(245 + 12 - inset, y + 6), (555 - 12 + inset, y + 6)], _shade(main, 0.6), 5)
    c.rrect((350, 415, 450, 434), 4, _shade(main, 0.95))
    if main == COLOURS["black"]:
        c.ellipse((536, 148, 546, 158), (210, 40, 40))  # a ThinkPad's red dot, more or less


def _computer(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rrect((260, 340, 540, 430), 10, main)  # a small desktop box lying flat
    c.rect((260, 420, 540, 440), _shade(main, 0.7))
    c.rect((290, 370, 380, 380), _shade(main, 0.7))
    c.ellipse((500, 368, 516, 384), (120, 200, 120))
    _keyboard_only(c, (60, 60, 64), y=460)


def _tablet(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rrect((270, 90, 530, 450), 26, main)
    screen = tuple(int(v * 255) for v in colorsys.hsv_to_rgb(rng.random(), 0.35, 0.9))
    c.rect((288, 120, 512, 420), screen)
    for row in range(3):
        for col in range(4):
            x = 304 + col * 52
            y = 140 + row * 60
            icon = tuple(int(v * 255) for v in colorsys.hsv_to_rgb(rng.random(), 0.6, 0.85))
            c.rrect((x, y, x + 36, y + 36), 8, icon)


def _phone(c: Canvas, main: Colour, rng: random.Random) -> None:
    for n, x in enumerate((300, 420)):
        c.rrect((x - 50, 150 + n * 30, x + 50, 450 + n * 30), 20, main)
        c.rect((x - 42, 190 + n * 30, x + 42, 410 + n * 30), (40, 60, 90) if n else (70, 110, 160))
        c.ellipse((x - 12, 418 + n * 30, x + 12, 442 + n * 30), _shade(main, 1.3))


def _printer(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rect((360, 120, 520, 230), (250, 250, 248), outline=(200, 200, 200), width=2)  # paper
    c.rrect((240, 200, 560, 420), 14, main)
    c.rect((240, 300, 560, 320), _shade(main, 0.8))
    c.rect((300, 330, 500, 350), (40, 40, 44))  # output slot
    c.rrect((470, 220, 540, 250), 6, (60, 64, 70))  # panel
    c.ellipse((448, 228, 462, 242), (80, 190, 90))
    c.rect((250, 420, 550, 440), _shade(main, 0.7))


def _keyboard_only(c: Canvas, main: Colour, *, y: float) -> None:
    c.rrect((180, y - 60, 560, y), 10, main)
    for row in range(4):
        for col in range(14):
            x = 192 + col * 26
            top = y - 52 + row * 13
            c.rect((x, top, x + 20, top + 9), _shade(main, 1.5))


def _keyboard(c: Canvas, main: Colour, rng: random.Random) -> None:
    _keyboard_only(c, main, y=430)
    c.ellipse((590, 360, 650, 440), main)  # mouse
    c.line([(620, 362), (620, 392)], _shade(main, 1.5), 3)


def _headset(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.arc((270, 120, 530, 420), 180, 360, main, 18)
    for x in (270, 530):
        c.rrect((x - 36, 250, x + 36, 370), 24, main)
        c.rrect((x - 26, 262, x + 26, 358), 18, _shade(main, 1.25))
    c.line([(270, 360), (330, 410), (390, 416)], main, 8)  # microphone boom
    c.ellipse((382, 404, 404, 428), _shade(main, 0.7))


def _conference_phone(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.ellipse((250, 330, 550, 450), _shade(main, 0.7))
    c.ellipse((250, 318, 550, 430), main)
    c.ellipse((320, 340, 480, 408), _shade(main, 1.2))
    for dx in (-110, 110):
        c.ellipse((400 + dx - 10, 364, 400 + dx + 10, 384), (80, 170, 230))


def _projector(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.poly([(520, 290), (760, 150), (760, 430)], (250, 246, 214))  # light beam
    c.rrect((220, 290, 540, 420), 18, main)
    c.rect((220, 400, 540, 420), _shade(main, 0.8))
    c.ellipse((440, 310, 530, 400), (50, 52, 58))
    c.ellipse((458, 328, 512, 382), (120, 150, 190))
    for x in range(250, 400, 16):
        c.line([(x, 320), (x, 380)], _shade(main, 0.75), 4)
    for x in (250, 510):
        c.rect((x - 8, 420, x + 8, 440), (40, 40, 44))


def _speaker(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rrect((300, 110, 500, 470), 20, main)
    c.ellipse((330, 300, 470, 440), _shade(main, 0.6))
    c.ellipse((365, 335, 435, 405), _shade(main, 0.4))
    c.ellipse((365, 150, 435, 220), _shade(main, 0.6))
    c.rrect((360, 240, 440, 262), 6, _shade(main, 1.3))


# ---------------------------------------------------------------------------------------------- kitchen


def _coffee_maker(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rrect((250, 420, 520, 460), 8, main)  # base
    c.rect((450, 150, 510, 440), main)  # column
    c.rrect((250, 100, 520, 170), 10, main)  # top with water tank behind
    c.rect((470, 110, 515, 330), (210, 226, 236))  # tank
    c.poly([(300, 170), (420, 170), (390, 230), (330, 230)], _shade(main, 0.8))  # filter holder
    c.poly([(290, 300), (430, 300), (440, 420), (280, 420)], (200, 216, 226))  # jug
    c.poly([(292, 360), (428, 360), (436, 418), (284, 418)], (90, 52, 30))  # coffee
    c.rrect((282, 290, 438, 304), 4, (40, 40, 44))  # lid
    c.arc((400, 320, 480, 400), 270, 90, (40, 40, 44), 10)  # handle


def _microwave(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rrect((200, 230, 600, 450), 12, main)
    c.rect((222, 252, 480, 428), (40, 44, 50))
    c.rect((240, 270, 462, 410), (70, 78, 90))
    c.rect((500, 260, 580, 300), (30, 34, 40))
    c.line([(512, 280), (568, 280)], (110, 220, 140), 6)
    for y in (320, 360, 400):
        c.ellipse((528, y, 552, y + 24), _shade(main, 0.7))


def _fridge(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rrect((300, 50, 500, 475), 14, main, outline=_shade(main, 0.8), width=3)
    c.line([(304, 200), (496, 200)], _shade(main, 0.7), 4)
    c.rrect((470, 90, 482, 170), 5, (150, 154, 160))
    c.rrect((470, 220, 482, 330), 5, (150, 154, 160))


def _pots(c: Canvas, main: Colour, rng: random.Random) -> None:
    metal = COLOURS["steel"]
    c.rect((170, 320, 360, 460), metal)  # big pot
    c.ellipse((170, 300, 360, 340), _shade(metal, 1.2))
    c.ellipse((180, 306, 350, 334), _shade(metal, 0.6))
    for x in (150, 360):
        c.rrect((x, 340, x + 30, 356), 6, _shade(metal, 0.7))
    c.ellipse((400, 380, 620, 440), main)  # frying pan
    c.ellipse((412, 386, 608, 432), _shade(main, 0.6))
    c.line([(610, 408), (730, 390)], (40, 40, 42), 16)


# ---------------------------------------------------------------------------------------------- school, other


def _books(c: Canvas, main: Colour, rng: random.Random) -> None:
    y = 470
    for n in range(7):
        height = rng.randint(22, 34)
        width = rng.randint(240, 300)
        x = 400 - width / 2 + rng.randint(-16, 16)
        colour = main if n % 2 == 0 else tuple(int(v * 255) for v in colorsys.hsv_to_rgb(rng.random(), 0.5, 0.75))
        c.rect((x, y - height, x + width, y), colour)
        c.rect((x + width - 14, y - height + 4, x + width - 2, y - 4), (245, 242, 232))  # pages
        y -= height


def _globe(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.ellipse((330, 450, 470, 478), (60, 52, 40))
    c.rect((394, 380, 406, 460), (60, 52, 40))
    c.arc((250, 90, 550, 390), 100, 300, (150, 120, 60), 10)
    c.ellipse((270, 110, 530, 370), (80, 140, 210))
    for box in ((300, 160, 400, 240), (410, 180, 490, 300), (320, 260, 380, 330)):
        c.ellipse(box, (110, 170, 90))


def _balls(c: Canvas, main: Colour, rng: random.Random) -> None:
    for n, (x, y, r) in enumerate(((290, 380, 90), (470, 390, 80), (380, 260, 70), (580, 430, 45))):
        colour = main if n == 0 else tuple(int(v * 255) for v in colorsys.hsv_to_rgb(rng.random(), 0.65, 0.85))
        c.ellipse((x - r, y - r, x + r, y + r), colour)
        c.arc((x - r, y - r * 0.5, x + r, y + r * 0.5), 0, 180, _shade(colour, 0.6), 4)
        c.line([(x, y - r), (x, y + r)], _shade(colour, 0.6), 4)


def _blocks(c: Canvas, main: Colour, rng: random.Random) -> None:
    positions = [(230, 400), (310, 400), (390, 400), (470, 400), (270, 320), (350, 320), (430, 320), (310, 240),
                 (390, 240), (560, 400)]
    for x, y in positions:
        colour = tuple(int(v * 255) for v in colorsys.hsv_to_rgb(rng.random(), 0.7, 0.9))
        c.rect((x, y, x + 76, y + 76), colour, outline=_shade(colour, 0.7), width=3)


def _ladder(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.line([(330, 470), (390, 90)], main, 16)
    c.line([(470, 470), (410, 90)], main, 16)
    c.line([(560, 470), (420, 100)], _shade(main, 0.8), 14)
    for n in range(6):
        y = 420 - n * 58
        offset = (470 - y) * 60 / 380
        c.line([(330 + offset + 6, y), (470 - offset - 6, y)], main, 12)
    c.rrect((372, 80, 428, 104), 6, (200, 60, 50))


def _trailer(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rect((180, 270, 580, 400), main)
    c.rect((180, 260, 580, 276), _shade(main, 1.2))
    c.line([(580, 390), (720, 410)], (50, 50, 54), 14)
    c.ellipse((710, 400, 734, 424), (50, 50, 54))
    c.ellipse((320, 360, 440, 480), (30, 30, 32))
    c.ellipse((352, 392, 408, 448), (160, 164, 170))
    c.rect((170, 390, 200, 410), (200, 50, 40))


def _box(c: Canvas, main: Colour, rng: random.Random) -> None:
    cardboard = (196, 152, 96)
    for n, (x, y, w, h) in enumerate(((220, 300, 220, 170), (420, 320, 180, 150), (300, 170, 170, 130))):
        colour = _shade(cardboard, 1.0 - n * 0.06)
        c.rect((x, y, x + w, y + h), colour, outline=_shade(cardboard, 0.7), width=2)
        c.rect((x + w / 2 - 16, y, x + w / 2 + 16, y + h), (214, 190, 140))  # tape
    c.rect((440, 360, 520, 410), (250, 250, 245))  # a label
    for y in (372, 386, 398):
        c.line([(450, y), (505, y)], (120, 120, 120), 3)


def _shredder(c: Canvas, main: Colour, rng: random.Random) -> None:
    c.rrect((290, 210, 510, 470), 12, main)
    c.rrect((280, 180, 520, 240), 10, _shade(main, 0.7))
    c.rect((330, 202, 470, 212), (20, 20, 22))
    c.rect((320, 300, 480, 430), _shade(main, 0.85))
    c.rect((300, 150, 420, 205), (250, 250, 248), outline=(200, 200, 200), width=2)


DRAWINGS: dict[str, Callable[[Canvas, Colour, random.Random], None]] = {
    "office_chair": _office_chair, "chair": _chair, "desk": _desk, "bookshelf": _bookshelf, "cabinet": _cabinet,
    "drawers": _drawers, "table": _table, "round_table": _round_table, "sofa": _sofa, "armchair": _armchair,
    "beanbag": _beanbag, "lamp": _lamp, "floor_lamp": _floor_lamp, "whiteboard": _whiteboard,
    "partition": _partition, "trolley": _trolley, "monitor": _monitor, "laptop": _laptop, "computer": _computer,
    "tablet": _tablet, "phone": _phone, "printer": _printer, "keyboard": _keyboard, "headset": _headset,
    "conference_phone": _conference_phone, "projector": _projector, "speaker": _speaker,
    "coffee_maker": _coffee_maker, "microwave": _microwave, "fridge": _fridge, "pots": _pots, "books": _books,
    "globe": _globe, "balls": _balls, "blocks": _blocks, "ladder": _ladder, "trailer": _trailer, "box": _box,
    "shredder": _shredder,
}


def draw(kind: str, *, seed: int | str, colour: str = "") -> Image.Image:
    """An 800×600 illustration of ``kind`` (a key of DRAWINGS) in ``colour`` (a key of COLOURS, or random)."""
    rng = random.Random(f"{kind}:{colour}:{seed}")
    hue = rng.random()
    background = tuple(int(v * 255) for v in colorsys.hsv_to_rgb(hue, rng.uniform(0.10, 0.22), 0.96))
    floor = tuple(int(v * 255) for v in colorsys.hsv_to_rgb(hue, rng.uniform(0.12, 0.25), 0.84))
    main = COLOURS[colour] if colour else rng.choice(list(COLOURS.values()))
    canvas = Canvas(background, floor)
    canvas.shadow(400, 250, floor)
    DRAWINGS[kind](canvas, main, rng)
    return canvas.finish()


def upload(kind: str, *, seed: int | str, colour: str = "", name: str = "foto.jpg") -> SimpleUploadedFile:
    """The illustration as an uploaded JPEG file, as a browser would send a photo."""
    buffer = io.BytesIO()
    draw(kind, seed=seed, colour=colour).save(buffer, format="JPEG", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
