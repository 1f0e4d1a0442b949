"""Lessons: each worked example of the five backprop articles, built with glassgrad and checked number by number.

    import glassgrad.lessons as lessons
    result = lessons.run("perceptron")   # or a seed number: lessons.run("002")
    print(result)                        # the steps, glassgrad's explanation, ✓/✗ per article number
"""

from __future__ import annotations

from glassgrad.lessons import bptt, conv, micro, seed000, seed001, seed002, seed003, seed004
from glassgrad.lessons.base import Check, Lesson, LessonResult, Step

LESSONS: dict[str, Lesson] = {lesson.name: lesson for lesson in (
    seed000.LESSON, seed001.LESSON, seed002.LESSON, seed003.LESSON, seed004.LESSON, micro.LR_LESSON,
    micro.STARTS_LESSON, conv.LESSON, bptt.LESSON)}


class UnknownLesson(KeyError):
    """A lesson name (or seed number) that is not in the registry; the message lists the ones that are."""

    def __str__(self) -> str:
        return str(self.args[0])


def get(name: str) -> Lesson:
    """The lesson called `name`, or the one for article seed `name` ("2", "002")."""
    if name in LESSONS:
        return LESSONS[name]
    if name.isdigit():
        for lesson in LESSONS.values():
            if lesson.seed is not None and int(lesson.seed) == int(name):
                return lesson
    raise UnknownLesson(f"unknown lesson {name!r}; choose one of: {', '.join(LESSONS)} (or a seed number 0-4)")


def run(name: str) -> LessonResult:
    return get(name).run()


def run_all() -> list[LessonResult]:
    return [lesson.run() for lesson in LESSONS.values()]


__all__ = ["LESSONS", "Check", "Lesson", "LessonResult", "Step", "UnknownLesson", "get", "run", "run_all"]
