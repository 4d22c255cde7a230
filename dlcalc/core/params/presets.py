"""The published networks, written in params' layer language, with the totals their sources publish."""

from __future__ import annotations

from typing import Any


def _vgg(config: list[int | str]) -> str:
    layers = [f"conv({v},3,p=1) relu" if v != "M" else "maxpool(2)" for v in config]
    return " ".join(layers) + (" adaptiveavgpool(7) flatten fc(4096) relu dropout fc(4096) relu dropout fc(1000)")


def _resnet(bottleneck: bool, blocks: list[int]) -> str:
    parts = ["conv(64,7,s=2,p=3,bias=false) bn relu maxpool(3,s=2,p=1)"]
    channels = 64
    for stage, count in enumerate(blocks):
        width = 64 * 2**stage
        out = width * 4 if bottleneck else width
        for index in range(count):
            stride = 2 if stage > 0 and index == 0 else 1
            if bottleneck:
                main = (f"conv({width},1,bias=false) bn relu conv({width},3,s={stride},p=1,bias=false) bn relu "
                        f"conv({out},1,bias=false) bn")
            else:
                main = f"conv({width},3,s={stride},p=1,bias=false) bn relu conv({width},3,p=1,bias=false) bn"
            shortcut = f" | conv({out},1,s={stride},bias=false) bn" if stride != 1 or channels != out else ""
            parts.append(f"residual({main}{shortcut}) relu")
            channels = out
    parts.append("adaptiveavgpool(1) flatten fc(1000)")
    return " ".join(parts)


PRESETS: dict[str, dict[str, Any]] = {
    "lenet5": {"layers": "conv(6,5) relu maxpool(2) conv(16,5) relu maxpool(2) flatten fc(120) relu fc(84) relu "
                         "fc(10)", "input": (32, 32), "channels": 1, "published": 61_706,
               "source": "LeCun et al. 1998 as usually taught (max pooling, no Gaussian connections)"},
    "alexnet": {"layers": "conv(64,11,s=4,p=2) relu maxpool(3,s=2) conv(192,5,p=2) relu maxpool(3,s=2) "
                          "conv(384,3,p=1) relu conv(256,3,p=1) relu conv(256,3,p=1) relu maxpool(3,s=2) "
                          "adaptiveavgpool(6) flatten dropout fc(4096) relu dropout fc(4096) relu fc(1000)",
                "input": (224, 224), "channels": 3, "published": 61_100_840, "source": "torchvision alexnet"},
    "vgg16": {"layers": _vgg([64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512,
                              "M"]), "input": (224, 224), "channels": 3, "published": 138_357_544,
              "source": "torchvision vgg16 (Simonyan & Zisserman 2015, configuration D)"},
    "vgg19": {"layers": _vgg([64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
                              512, 512, 512, 512, "M"]), "input": (224, 224), "channels": 3,
              "published": 143_667_240, "source": "torchvision vgg19 (configuration E)"},
    "resnet18": {"layers": _resnet(False, [2, 2, 2, 2]), "input": (224, 224), "channels": 3,
                 "published": 11_689_512, "source": "torchvision resnet18 (He et al. 2016)"},
    "resnet50": {"layers": _resnet(True, [3, 4, 6, 3]), "input": (224, 224), "channels": 3,
                 "published": 25_557_032, "source": "torchvision resnet50"},
}
"""name → the layers (text), the input size and channels, the published total and its source."""


def preset_title(name: str) -> str:
    """The title of a preset's solution: its name, source and published total."""
    chosen = PRESETS[name]
    return f"{name} ({chosen['source']}; published total {chosen['published']:,})"
