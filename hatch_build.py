"""Builds the toolkit's C reader of the common shape of OKR files (``okrs_as_code/_plainc.c``)
into the wheel, or beside its source for an editable install.

The C reader only makes reading faster: where no C compiler is found the build goes on, with
a warning, and the toolkit reads with its Python reader (``okrs_as_code/plainyaml.py``).
"""

from __future__ import annotations

import shutil
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MODULE = "okrs_as_code._plainc"
SOURCE = "okrs_as_code/_plainc.c"


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        name = "_plainc" + str(sysconfig.get_config_var("EXT_SUFFIX"))
        self.work = work = Path(tempfile.mkdtemp(prefix="okrs-build-"))
        try:
            built = _compile(Path(self.root, SOURCE), work)
        except Exception as error:  # no compiler, no Python headers...
            self.app.display_warning(
                f"okrs-as-code: the C reader was not built ({error}); "
                "files will be read by the Python reader, more slowly"
            )
            return
        if version == "editable":  # an editable install runs the source tree
            shutil.copyfile(built, Path(self.root, "okrs_as_code", name))
        else:
            build_data["force_include"][str(built)] = f"okrs_as_code/{name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if getattr(self, "work", None) is not None:  # the wheel holds the module by now
            shutil.rmtree(self.work, ignore_errors=True)


def _compile(source: Path, work: Path) -> Path:
    """The extension module built from ``source`` by setuptools, in ``work``."""
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    extension = Extension(MODULE, [str(source)])
    command = build_ext(Distribution({"name": "okrs-as-code", "ext_modules": [extension]}))
    command.build_lib = str(work / "lib")
    command.build_temp = str(work / "temp")
    command.ensure_finalized()
    command.run()
    return Path(command.get_ext_fullpath(MODULE))
