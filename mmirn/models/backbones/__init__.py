from .resnet38 import WideResNet38  # noqa: F401
from .resnet_with_stem import ResNetWithStem  # noqa: F401
from .wsss_vgg import WSSSVGG  # noqa: F401
