"""WikiExtractor articles on a hand-made file: titles, headings, the lead, redirects and
stubs, and the format detected among plain-text files."""

import pytest

from keras_bert_lib.data.documents import DocumentRules, read_documents
from keras_bert_lib.data.wikiextractor import (
    is_full_article,
    is_heading,
    iter_articles,
    looks_like_wikiextractor,
)

LONG = " ".join(f"Sentence number {i} of the history is here." for i in range(20))
WIKI = f"""<doc id="1" url="?curid=1" title="Ada &amp; Co">
Ada &amp; Co

Ada &amp; Co is a firm. It was founded in 1900. It makes boats.
It is in the city of Leeds.
Early life and career.
{LONG}
History.
The campus covers . The facilities include:
He died in 1950 aged 50.

</doc>
<doc id="2" url="?curid=2" title="Redirected page">
Redirected page


</doc>
<doc id="3" url="?curid=3" title="Stub">
Stub

Stub is a small village. It has a church. It has a pub. It has a shop.
</doc>
"""


def write(tmp_path, text=WIKI, name="wiki_00"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_articles_title_headings_lead_and_sections(tmp_path):
    ada, redirect, stub = iter_articles(write(tmp_path))
    assert (ada.id, ada.title) == ("1", "Ada & Co")
    assert ada.lead == (
        "Ada & Co is a firm. It was founded in 1900. It makes boats.",
        "It is in the city of Leeds.",
    )
    assert [s.heading for s in ada.sections] == ["", "Early life and career.", "History."]
    assert ada.sections[2].paragraphs == (
        "The campus covers . The facilities include:", "He died in 1950 aged 50.",
    )  # fmt: skip
    sentences = ada.sentences()
    assert sentences[:4] == [
        "Ada & Co is a firm.",
        "It was founded in 1900.",
        "It makes boats.",
        "It is in the city of Leeds.",
    ]
    assert "Early life and career." not in sentences and "History." not in sentences
    assert "Ada & Co" not in sentences  # the title line
    assert sentences[-3:] == [
        "The campus covers .", "The facilities include:", "He died in 1950 aged 50.",
    ]  # fmt: skip
    assert redirect.sections == () and redirect.lead == ()
    assert stub.lead == ("Stub is a small village. It has a church. It has a pub. It has a shop.",)


def test_headings_are_short_single_sentences_ending_in_a_period():
    assert is_heading("Early life.") and is_heading("Student destined for the priesthood.")
    assert not is_heading("In 2000 Suller coached Barracas Central.")  # six words: a sentence
    assert not is_heading("Where next?") and not is_heading("Born. Died.")
    assert not is_heading("Follows:")


def test_redirects_and_stubs_are_dropped_by_length_and_sentences(tmp_path):
    ada, redirect, stub = iter_articles(write(tmp_path))
    assert is_full_article(ada) and not is_full_article(redirect)
    assert not is_full_article(stub)  # 4 sentences but under 600 characters
    assert is_full_article(stub, min_characters=50, min_sentences=4)
    assert not is_full_article(stub, min_characters=50, min_sentences=5)
    assert read_documents([tmp_path]) == [ada.sentences()]  # detected, only Ada kept
    loose = DocumentRules(input_format="wikiextractor", min_article_characters=50)
    assert read_documents([tmp_path], loose) == [ada.sentences(), stub.sentences()]


def test_format_is_detected_per_file_and_can_be_forced(tmp_path):
    wiki = write(tmp_path)
    plain = write(tmp_path, "Plain text. Two sentences.\n", name="notes.txt")
    assert looks_like_wikiextractor(wiki) and not looks_like_wikiextractor(plain)
    documents = read_documents([tmp_path])
    assert documents[0] == ["Plain text.", "Two sentences."] and len(documents) == 2
    as_text = read_documents([wiki], DocumentRules(input_format="text"))
    assert as_text[0][0].startswith('<doc id="1"')


@pytest.mark.parametrize(
    "text, message",
    [
        ("stray line\n" + WIKI, "wiki_00:1: text outside a <doc>"),
        ('<doc id="1" url="u" title="A">\nA\n<doc id="2" url="u" title="B">\n', "<doc> inside"),
        ('<doc id="1" url="u" title="A">\nA\nText.\n', "the <doc> of line 1 is never closed"),
        ("</doc>\n", "wiki_00:1: </doc> without a <doc>"),
    ],
)
def test_broken_files_are_refused_with_the_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        list(iter_articles(write(tmp_path, text)))
