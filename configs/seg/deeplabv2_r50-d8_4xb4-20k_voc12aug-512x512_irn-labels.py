# DeepLab v2 on ResNet-50-d8 (RCA's lighter setting): the R101 config with an
# ImageNet ResNet-50 (open-mmlab's v1c). Twin: ..._gt.py. Not run here.
_base_ = ['./deeplabv2_r101-d8_4xb4-20k_voc12aug-512x512_irn-labels.py']
model = dict(pretrained='open-mmlab://resnet50_v1c', backbone=dict(depth=50))
