"""SQuAD JSON files -> examples."""

import json

import pytest

from keras_bert_lib.data.squad import read_squad


def test_read_squad_and_a_wrong_answer_start_is_named(tmp_path):
    data = {
        "data": [
            {
                "paragraphs": [
                    {
                        "context": "Denver won.",
                        "qas": [
                            {"id": "a", "question": "Who?", "answers": [
                                {"text": "Denver", "answer_start": 0}]},
                        ],
                    }
                ]
            }
        ]
    }  # fmt: skip
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data))
    (example,) = read_squad(path)
    assert (example.question_id, example.answers) == ("a", [("Denver", 0)])
    data["data"][0]["paragraphs"][0]["qas"][0]["answers"][0]["answer_start"] = 1
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="question 'a': answer 'Denver'"):
        read_squad(path)
    path.write_text("[]")
    with pytest.raises(ValueError, match="not a SQuAD JSON"):
        read_squad(path)
