"""Documents and the sentence rule, on hand-made text."""

import pytest

from keras_bert_lib.data.documents import (
    DocumentRules,
    document_sentences,
    iter_documents,
    read_documents,
)
from keras_bert_lib.data.sentences import split_sentences

CHAPTERS = DocumentRules(blank_lines_separate_documents=True)


def test_sentences_end_at_terminal_punctuation_before_a_capital_digit_or_quote():
    text = 'He left. She stayed! Why? "Because," she said. It was 3 p.m. then. 2 went. (Yes.) No'
    assert split_sentences(text) == [
        "He left.",
        "She stayed!",
        "Why?",
        '"Because," she said.',
        "It was 3 p.m. then.",
        "2 went.",
        "(Yes.)",
        "No",
    ]
    assert split_sentences('"Go!" He went.') == ['"Go!"', "He went."]
    assert split_sentences("   ") == []


def test_paragraphs_and_line_breaks():
    text = "First line\r\ncontinues. Second.\r\n\r\n\r\nNew paragraph"
    assert document_sentences(text) == ["First line continues.", "Second.", "New paragraph"]


def test_read_documents_by_file_or_by_blank_lines(tmp_path):
    (tmp_path / "a.txt").write_text("One. Two.\n\nThree.\n\n\nFour.\n")
    (tmp_path / "b.txt").write_text("Five.\n")
    (tmp_path / "skip.md").write_text("Not read.")
    assert read_documents([tmp_path]) == [["One.", "Two.", "Three.", "Four."], ["Five."]]
    assert read_documents([tmp_path], CHAPTERS) == [
        ["One.", "Two.", "Three."],
        ["Four."],
        ["Five."],
    ]
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="No text files"):
        read_documents([tmp_path / "empty"])


def test_iter_documents_reads_a_file_only_when_its_documents_are_asked_for(tmp_path):
    (tmp_path / "a.txt").write_text("One. Two.\n\n\nThree.\n")
    (tmp_path / "b.txt").write_bytes(b"\xff not UTF-8")
    documents = iter_documents([tmp_path], CHAPTERS)
    assert next(documents) == ["One.", "Two."]
    assert next(documents) == ["Three."]  # b.txt not read yet
    with pytest.raises(UnicodeDecodeError):
        next(documents)
    (tmp_path / "b.txt").write_text("   \n\n")
    with pytest.raises(ValueError, match="hold no text"):
        list(iter_documents([tmp_path / "b.txt"]))


def rules(min_document_words):
    return DocumentRules(blank_lines_separate_documents=True, min_document_words=min_document_words)


def test_headings_join_the_chapter_after_them(tmp_path):
    (tmp_path / "book.txt").write_text(
        "THE BOOK\n\n\nCHAPTER I.\n\n\nIt was a dark night. Rain fell.\n\n\n"
        "CHAPTER II.\n\n\nMorning came. The end.\n\n\nFINIS\n"
    )
    assert read_documents([tmp_path], rules(5)) == [
        ["THE BOOK", "CHAPTER I.", "It was a dark night.", "Rain fell."],
        ["CHAPTER II.", "Morning came.", "The end.", "FINIS"],  # the last one: backwards
    ]
    assert len(read_documents([tmp_path], CHAPTERS)) == 6
    assert read_documents([tmp_path], rules(100)) == [
        read_documents([tmp_path])[0]  # nothing long enough: the file is one document
    ]


def test_min_document_words_needs_blank_line_documents_and_formats_are_named():
    with pytest.raises(ValueError, match="applies with blank_lines_separate_documents"):
        DocumentRules(min_document_words=50)
    with pytest.raises(ValueError, match="input_format must be one of"):
        DocumentRules(input_format="wiki")


def test_directories_are_searched_for_txt_and_extensionless_files(tmp_path):
    (tmp_path / "text" / "AA").mkdir(parents=True)
    (tmp_path / "text" / "AA" / "wiki_00").write_text("Wiki one.\n")
    (tmp_path / "text" / "AB").mkdir()
    (tmp_path / "text" / "AB" / "wiki_00").write_text("Wiki two.\n")
    (tmp_path / "a.txt").write_text("Plain.\n")
    (tmp_path / "README.md").write_text("Not read.\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "wiki_00").write_text("Not read.\n")
    assert read_documents([tmp_path]) == [["Plain."], ["Wiki one."], ["Wiki two."]]
