"""Finding an input file: a path, or the name of a file in one of the project's folders."""

from __future__ import annotations

from pathlib import Path

from sim.primitives.errors import InputError, Origin, Problem, did_you_mean


class NoSuchFileError(InputError):
    """An input file that does not exist; its one problem says which files do."""


def locate(path_or_name: str | Path, folder: Path, noun: str) -> tuple[Path, str]:
    """The file `path_or_name` names, and how messages should name it.

    Args:
        path_or_name: A path to a ``.yaml`` file, or the name of one in `folder`.
        folder: Where named files live (``scenarios/``, ``experiments/``).
        noun: What the file is (``scenario``, ``experiment``), for the message.

    Raises:
        NoSuchFileError: No such file, naming the available ones and the closest.
    """
    path = Path(path_or_name)
    if not path.is_file():
        named = folder / f"{path_or_name}.yaml"
        if path.suffix in (".yaml", ".yml") or len(path.parts) > 1 or not named.is_file():
            names = sorted(p.stem for p in folder.glob("*.yaml"))
            raise NoSuchFileError(Problem(
                "", f"no such {noun} file or named {noun}", allowed="a .yaml file, or one of: "
                + ", ".join(names), hint=did_you_mean(str(path_or_name), names),
                origin=Origin("file", str(path_or_name))))
        path = named
    short = path.is_absolute() and path.is_relative_to(Path.cwd())
    return path, str(path.relative_to(Path.cwd()) if short else path)


def read_text(path: Path, label: str) -> str:
    """The UTF-8 text of an input file, or an `InputError` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise InputError(Problem("", f"is not UTF-8 text (byte {err.start})",
                                 origin=Origin("file", label))) from None
    except OSError as err:
        raise InputError(Problem("", f"cannot read the file ({err.strerror or err})",
                                 origin=Origin("file", label))) from None
