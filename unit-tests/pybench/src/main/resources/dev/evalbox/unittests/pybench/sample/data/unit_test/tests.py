# evalbox's own unit tests for its sample tasks, in the shape PyBench uses: test_task_<index>(trajectory).
import json
import os

import pandas as pd


def test_task_1(trajectory):
    cleaned = pd.read_csv("./output/1.csv")
    assert not cleaned.duplicated().any()
    assert len(cleaned) == 6


def test_task_2(trajectory):
    assert "15.96" in trajectory[-1]["content"]


def test_task_3(trajectory):
    with open("./output/3.png", "rb") as image:
        assert image.read(8) == b"\x89PNG\r\n\x1a\n"


def test_task_4(trajectory):
    with open("./output/4.json") as handle:
        counts = json.load(handle)
    assert counts["the"] == 4 and counts["tide"] == 2
