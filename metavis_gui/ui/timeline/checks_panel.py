"""The checks panel: a row per timing problem (find_timing_problems); a click jumps to the word.

A list model, not an item per row: a long transcript can have thousands of
low-confidence words. Checked a moment after the window has opened (its
waveform drawn: on 30,000 words the caption checks take about half a second
that the opening need not wait for) and after edits stop (one pass over the
words), never on every drag step.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QLabel, QListView, QVBoxLayout, QWidget

from metavis_gui.exports.caption_checks import caption_check_problems
from metavis_gui.timeline.timing_checks import (
    TimingProblem,
    find_timing_problems,
    next_problem_after,
)
from metavis_gui.ui.timeline.export_dialog import export_clip_of, remembered_caption_preset
from metavis_gui.ui.timeline.timeline_document import TimelineDocument

RECHECK_DELAY_MS = 300
_AnyIndex = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()


class TimingProblemsModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.problems: list[TimingProblem] = []

    def set_problems(self, problems: list[TimingProblem]) -> None:
        self.beginResetModel()
        self.problems = problems
        self.endResetModel()

    def rowCount(self, parent: _AnyIndex = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.problems)

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        problem = self.problems[index.row()]
        return f"{problem.kind.value}: {problem.message}"


class ChecksPanel(QWidget):
    problem_chosen = Signal(object)  # TimingProblem

    def __init__(self, document: TimelineDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.model = TimingProblemsModel(self)
        self.summary = QLabel("Checking…", self)
        self.list = QListView(self)
        self.list.setAccessibleName("Timing problems")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(RECHECK_DELAY_MS)
        self._recheck.timeout.connect(self.refresh)
        document.transcript_changed.connect(lambda change: self.check_soon())
        self.list.clicked.connect(self._on_row_chosen)
        self.list.activated.connect(self._on_row_chosen)
        self._checked = False

    def check_soon(self) -> None:
        """The window has opened: check in a moment (and after edits stop, from now on, as before)."""
        self._recheck.start()

    def stop(self) -> None:
        """The window closed: no pending check (its document no longer signals edits)."""
        self._recheck.stop()

    @property
    def problems(self) -> list[TimingProblem]:
        return self.model.problems

    def refresh(self) -> None:
        self._recheck.stop()
        self._checked = True
        transcript = self.document.transcript
        clip = export_clip_of(self.document.opened)
        captions = caption_check_problems(transcript, remembered_caption_preset().rules, clip)
        # Stable: at one tick, the word's own problems come before its caption's.
        self.model.set_problems(sorted([*find_timing_problems(transcript), *captions], key=lambda problem: problem.tick))
        count = len(self.problems)
        self.summary.setText(f"{count} to check" if count else "No timing problems")

    def next_problem(self, after_tick: int) -> TimingProblem | None:
        """Jump to the first problem after `after_tick` (the "next problem" key), wrapping to the first."""
        if self._recheck.isActive() or not self._checked:
            self.refresh()
        problem = next_problem_after(self.problems, after_tick)
        if problem is not None:
            self.list.setCurrentIndex(self.model.index(self.problems.index(problem)))
            self.problem_chosen.emit(problem)
        return problem

    def _on_row_chosen(self, index: QModelIndex) -> None:
        self.problem_chosen.emit(self.problems[index.row()])
