"""shuzhi: review 述职报告 as a 审阅组 would, at corpus scale."""

from __future__ import annotations

__version__ = "0.1.0"
