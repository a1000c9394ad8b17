"""Uploaded photos: decoded and re-encoded as WebP, stripped of EXIF, stored under the organisation's own folder, and
every bad file refused with a message that names it before anything is written."""

from __future__ import annotations

import functools
import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from PIL import ExifTags, Image

from catalog import services
from catalog.errors import PhotoRejected
from catalog.models import Listing, ListingPhoto
from catalog.photos import FULL_SIZE, THUMBNAIL_SIZE, process_photo
from tests.catalog_factories import category, make_listing, photo_upload
from tests.conftest import user_in

# English keeps the assertions on messages independent of the Swedish catalogue.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]




@pytest.fixture
def in_ystad(ystad):
    with schema_context(ystad.schema_name):
        yield ystad


def files_under(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def noise_image(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    # Random pixels compress badly: a truncated file then really lacks image data.
    return Image.frombytes(mode, size, os.urandom(size[0] * size[1] * len(mode)))


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


@functools.cache
def png_claiming(width: int, height: int) -> bytes:
    """A real, valid 1-bit PNG of width × height that is small on disk (all black pixels compress to almost nothing)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- accepted ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "stol.jpg"), ("PNG", "stol.png"), ("WEBP", "stol.webp")])
def test_jpeg_png_and_webp_are_stored_as_webp_with_a_thumbnail_in_the_organisations_folder(
    in_ystad, media, fmt, name
):
    # given a photo larger than the stored size
    author = user_in(in_ystad, "personal")
    photo = upload(name, encoded(Image.new("RGB", (2000, 1000), (120, 80, 40)), fmt))

    # when
    listing = services.create_listing(
        author=author,
        details=services.ListingDetails(
            title="Kontorsstol", category=category(), department=author.department, contact_person=author
        ),
        photos=services.prepare_photos([photo]),
        publish=True,
    )

    # then
    stored = listing.photos.get()
    assert stored.image.name.startswith("org_ystad/listings/") and stored.image.name.endswith(".webp")
    assert stored.thumbnail.name.startswith("org_ystad/listings/") and stored.thumbnail.name.endswith(".webp")
    assert stored.image.name != stored.thumbnail.name
    with Image.open(media / stored.image.name) as image:
        assert image.format == "WEBP"
        assert image.size == (FULL_SIZE, FULL_SIZE // 2)
    with Image.open(media / stored.thumbnail.name) as thumbnail:
        assert thumbnail.format == "WEBP"
        assert thumbnail.size == (THUMBNAIL_SIZE, THUMBNAIL_SIZE // 2)
    assert (stored.width, stored.height) == (FULL_SIZE, FULL_SIZE // 2)


def test_a_small_photo_is_not_enlarged():
    # when
    processed = process_photo(photo_upload(size=(64, 48)))

    # then
    assert (processed.width, processed.height) == (64, 48)


def test_a_transparent_png_keeps_its_transparency():
    # given
    data = encoded(Image.new("RGBA", (40, 30), (10, 200, 30, 0)), "PNG")

    # when
    processed = process_photo(upload("logo.png", data, "image/png"))

    # then
    with Image.open(io.BytesIO(processed.image.read())) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0


def test_a_phone_jpeg_with_a_second_picture_inside_mpo_is_accepted():
    # given: many phone cameras write JPEGs with a second (depth or preview) picture; Pillow calls them MPO
    data = encoded(Image.new("RGB", (64, 48), "red"), "MPO", save_all=True, append_images=[Image.new("RGB", (64, 48))])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    # when
    processed = process_photo(upload("IMG_0042.jpg", data))

    # then
    assert (processed.width, processed.height) == (64, 48)


def test_a_file_a_form_has_already_read_is_read_from_its_start():
    # given
    photo = photo_upload()
    photo.read()

    # when
    processed = process_photo(photo)

    # then
    assert processed.width == 64


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Fruitphone"
    exif[ExifTags.Base.Model] = "Fruitphone 15 Pro"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (55.0, 25.0, 46.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (13.0, 49.0, 12.0),
    }
    return exif


def test_exif_with_the_gps_position_is_gone_from_the_stored_file(in_ystad, media):
    # given a phone photo that says where it was taken
    photo = photo_upload(name="IMG_1234.jpg", exif=exif_with_gps())
    with Image.open(io.BytesIO(photo.read())) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the test photo must carry a GPS position"
    photo.seek(0)

    # when
    listing = make_listing(author=user_in(in_ystad, "personal"), photos=0, publish=False)
    services.update_listing(
        listing=listing,
        editor=listing.created_by,
        details=services.ListingDetails(
            title=listing.title, category=listing.category, department=listing.department,
            contact_person=listing.contact_person,
        ),
        add_photos=services.prepare_photos([photo]),
    )

    # then nothing of the EXIF block is in either stored file
    stored = listing.photos.get()
    for name in (stored.image.name, stored.thumbnail.name):
        data = (media / name).read_bytes()
        assert b"Fruitphone" not in data
        assert b"Exif" not in data and b"EXIF" not in data
        with Image.open(media / name) as image:
            assert not image.getexif()
            assert "exif" not in image.info


def test_a_portrait_photo_is_turned_upright_by_its_exif_orientation():
    # given a landscape-shaped sensor image that the camera marks "rotate 90° clockwise to view"
    photo = photo_upload(name="portrait.jpg", size=(64, 48), exif=exif_with_gps(orientation=6))

    # when
    processed = process_photo(photo)

    # then it is stored upright, as a portrait, without the orientation tag
    assert (processed.width, processed.height) == (48, 64)
    with Image.open(io.BytesIO(processed.image.read())) as image:
        assert image.size == (48, 64)
        assert ExifTags.Base.Orientation not in image.getexif()
    with Image.open(io.BytesIO(processed.thumbnail.read())) as thumbnail:
        assert thumbnail.size == (48, 64)


# --- refused -------------------------------------------------------------------------------------------------------

UNREADABLE = "is not a photo we can read. Use JPEG, PNG or WebP."


def truncated_jpeg() -> bytes:
    data = encoded(noise_image((300, 300)), "JPEG", quality=95)
    return data[: len(data) // 2]


BAD_UPLOADS = {
    "text renamed .jpg": ("anteckning.jpg", lambda: b"Det h\xc3\xa4r \xc3\xa4r ingen bild.\n" * 20, "photo_unreadable"),
    "empty file": ("tom.jpg", lambda: b"", "photo_unreadable"),
    "truncated JPEG": ("avbruten.jpg", truncated_jpeg, "photo_unreadable"),
    "GIF": ("rolig.gif", lambda: encoded(Image.new("P", (20, 20)), "GIF"), "photo_unreadable"),
    "BMP": ("gammal.bmp", lambda: encoded(Image.new("RGB", (20, 20)), "BMP"), "photo_unreadable"),
    "TIFF": ("skanner.tiff", lambda: encoded(Image.new("RGB", (20, 20)), "TIFF"), "photo_unreadable"),
    "GIF renamed .jpg": ("lurig.jpg", lambda: encoded(Image.new("P", (20, 20)), "GIF"), "photo_unreadable"),
    "SVG": (
        "ritning.svg",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
        "photo_unreadable",
    ),
    "decompression bomb 30000x30000": ("bomb.png", lambda: png_claiming(30_000, 30_000), "photo_too_many_pixels"),
    "above the pixel limit 7000x7000": ("stor.png", lambda: png_claiming(7_000, 7_000), "photo_too_many_pixels"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS), ids=list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_with_a_message_naming_it_and_nothing_is_written(in_ystad, media, case):
    # given a good photo and a bad one in the same upload
    name, make_bytes, code = BAD_UPLOADS[case]
    data = make_bytes()
    author = user_in(in_ystad, "personal")
    listings_before, photos_before = Listing.objects.count(), ListingPhoto.objects.count()

    # when the post goes through the same steps as the pages and the API
    with pytest.raises(PhotoRejected) as refused:
        services.create_listing(
            author=author,
            details=services.ListingDetails(
                title="Kontorsstol", category=category(), department=author.department, contact_person=author
            ),
            photos=services.prepare_photos([photo_upload(name="bra.jpg"), upload(name, data)]),
            publish=True,
        )

    # then
    assert refused.value.code == code
    assert refused.value.http_status == 400
    assert name in str(refused.value.message)
    if code == "photo_unreadable":
        assert str(refused.value.message) == f"{name} {UNREADABLE}"
    else:
        assert "too many pixels" in str(refused.value.message)
    assert files_under(media) == []
    assert (Listing.objects.count(), ListingPhoto.objects.count()) == (listings_before, photos_before)


def test_the_bomb_is_a_small_file_that_decodes_to_900_million_pixels():
    # given
    data = png_claiming(30_000, 30_000)

    # then: a few hundred kilobytes on disk, and the PNG header (checked by its CRC) says 30000 × 30000
    assert len(data) < 500_000
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (30_000, 30_000)
    assert zlib.crc32(data[12:29]) & 0xFFFFFFFF == struct.unpack(">I", data[29:33])[0]


def test_the_pixel_limit_is_a_setting(settings):
    # given
    settings.PHOTO_MAX_PIXELS = 50 * 50

    # when / then
    process_photo(photo_upload(size=(50, 50)))
    with pytest.raises(PhotoRejected) as refused:
        process_photo(photo_upload(name="lite-för-stor.jpg", size=(51, 50)))
    assert refused.value.code == "photo_too_many_pixels"
    assert "lite-för-stor.jpg" in str(refused.value.message)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(in_ystad, media, settings):
    # given
    settings.PHOTO_MAX_BYTES = 2 * 1024
    big = upload("jättestor.jpg", encoded(noise_image((200, 200)), "JPEG", quality=95))
    assert big.size > settings.PHOTO_MAX_BYTES

    # when
    with pytest.raises(PhotoRejected) as refused:
        services.prepare_photos([photo_upload(name="liten.jpg", size=(8, 8)), big])

    # then
    assert refused.value.code == "photo_too_large"
    assert str(refused.value.message) == "jättestor.jpg is too large. A photo may be at most 2.0\xa0KB."
    assert files_under(media) == []


def test_a_file_of_unknown_size_is_read_only_up_to_the_limit(settings):
    # given a stream without a size (as some clients send), far larger than allowed
    settings.PHOTO_MAX_BYTES = 1024

    class Stream(io.BytesIO):
        name = "strom.jpg"
        reads: list[int] = []

        def read(self, size=-1):
            self.reads.append(size)
            return super().read(size)

    stream = Stream(b"\xff" * 10_000_000)

    # when
    with pytest.raises(PhotoRejected) as refused:
        process_photo(stream)

    # then
    assert refused.value.code == "photo_too_large"
    assert Stream.reads == [1025]
    assert "strom.jpg" in str(refused.value.message)


def test_the_size_limit_message_is_readable_for_the_default_limit(settings):
    # given
    settings.PHOTO_MAX_BYTES = 10 * 1024 * 1024

    # when
    with pytest.raises(PhotoRejected) as refused:
        process_photo(SimpleUploadedFile("enorm.jpg", b"\x00" * (10 * 1024 * 1024 + 1)))

    # then
    assert str(refused.value.message) == "enorm.jpg is too large. A photo may be at most 10.0\xa0MB."
