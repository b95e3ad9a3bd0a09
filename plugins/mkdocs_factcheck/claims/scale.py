"""The rating scale: which verdicts exist, how they are named, valued and coloured.

A site may replace the default scale in its configuration; every page, badge,
chart and JSON-LD block reads the scale from here, never from fixed lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Icon = Literal["cross", "warning", "half", "check", "question", "minus"]
KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class Rating(BaseModel):
    """One step of the scale, e.g. ``misleading``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, Field(pattern=KEY_PATTERN, description="Verdict key used in claim files.")]
    label: Annotated[str, Field(min_length=1, description="Name shown to readers.")]
    value: Annotated[
        int | None,
        Field(ge=1, description="ClaimReview ratingValue, 1 = worst; none for 'unproven'."),
    ] = None
    colour: Annotated[str, Field(description="Badge colour as #rrggbb.")]
    description: str = ""
    icon: Icon = "minus"

    @field_validator("colour")
    @classmethod
    def _hex_colour(cls, colour: str) -> str:
        if not HEX_COLOUR.match(colour):
            raise ValueError(f"colour {colour!r} must be written as #rrggbb, e.g. #2e7d32")
        return colour.lower()

    @property
    def text_colour(self) -> str:
        """Black or white, whichever reads better on the badge colour (WCAG contrast)."""
        luminance = _relative_luminance(self.colour)
        on_white = 1.05 / (luminance + 0.05)
        on_black = (luminance + 0.05) / 0.05
        return "#ffffff" if on_white >= on_black else "#000000"


class RatingScale(BaseModel):
    """An ordered scale, worst first; ratings without a value come last."""

    model_config = ConfigDict(frozen=True)

    ratings: tuple[Rating, ...]

    @model_validator(mode="after")
    def _consistent(self) -> RatingScale:
        if not self.ratings:
            raise ValueError("the scale needs at least one rating")
        keys = [rating.key for rating in self.ratings]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"each key must appear once; repeated: {', '.join(duplicates)}")
        values = [rating.value for rating in self.ratings if rating.value is not None]
        if len(values) != len(set(values)):
            raise ValueError("each value must appear once (1 = worst)")
        return self

    def __iter__(self) -> Iterator[Rating]:  # type: ignore[override]
        return iter(self.ratings)

    def __contains__(self, key: object) -> bool:
        return any(rating.key == key for rating in self.ratings)

    def __getitem__(self, key: str) -> Rating:
        for rating in self.ratings:
            if rating.key == key:
                return rating
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [rating.key for rating in self.ratings]

    @property
    def best(self) -> int | None:
        values = [r.value for r in self.ratings if r.value is not None]
        return max(values) if values else None

    @property
    def worst(self) -> int | None:
        values = [r.value for r in self.ratings if r.value is not None]
        return min(values) if values else None

    @classmethod
    def from_config(cls, entries: list[dict[str, Any]] | None) -> RatingScale:
        """The site's scale from the plugin option, or the default one."""
        if not entries:
            return DEFAULT_SCALE
        return cls.model_validate({"ratings": entries})


@lru_cache(maxsize=256)  # every badge asks; a scale has a handful of colours
def _relative_luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# Each verdict's colour differs from its neighbours' in hue or lightness (so "Mostly true"
# and "True" are not two similar greens), on light and dark pages alike.
DEFAULT_SCALE = RatingScale(
    ratings=(
        Rating(key="false", label="False", value=1, colour="#b71c1c", icon="cross",
               description="The claim is inaccurate."),
        Rating(key="mostly-false", label="Mostly false", value=2, colour="#e64a19", icon="cross",
               description="The claim has an element of truth but ignores facts that would give "
                           "a different impression."),
        Rating(key="misleading", label="Misleading", value=3, colour="#fb8c00", icon="warning",
               description="The claim may be literally accurate but leaves out context that "
                           "changes its meaning."),
        Rating(key="mixed", label="Mixed", value=4, colour="#fdd835", icon="half",
               description="The claim is partly accurate and partly inaccurate."),
        Rating(key="mostly-true", label="Mostly true", value=5, colour="#9ccc65", icon="check",
               description="The claim is accurate but needs clarification or additional "
                           "information."),
        Rating(key="true", label="True", value=6, colour="#1b5e20", icon="check",
               description="The claim is accurate and nothing significant is missing."),
        Rating(key="unproven", label="Unproven", value=None, colour="#616161", icon="question",
               description="The public evidence is not enough to say whether the claim is "
                           "accurate."),
    )
)
