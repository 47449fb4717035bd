"""Loading transforms that fail loudly, naming the file, on bad input."""
import io
from typing import Optional

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform, LoadImageFromFile
from mmengine import fileio
from PIL import Image, UnidentifiedImageError

from mmirn.registry import TRANSFORMS


def check_image_complete(img_bytes: bytes, filename: str) -> None:
    """Raise ``ValueError`` naming ``filename`` when the image data is cut short.

    cv2 decodes a truncated JPEG partially (grey bottom rows) without an error, so a
    JPEG must end with its EOI marker and a PNG with its IEND chunk (a little padding
    after them is allowed). Other formats are fully decoded by PIL, which raises on
    truncated data (unless PIL's global ``ImageFile.LOAD_TRUNCATED_IMAGES`` is set).

    Args:
        img_bytes (bytes): The file content.
        filename (str): The file, for the message.
    """
    if not img_bytes:
        raise ValueError(f'Image file is empty: {filename}')
    tail = img_bytes[-1024:]
    if img_bytes[:2] == b'\xff\xd8':
        complete = b'\xff\xd9' in tail
    elif img_bytes[:8] == b'\x89PNG\r\n\x1a\n':
        complete = b'IEND' in tail
    else:
        try:
            Image.open(io.BytesIO(img_bytes)).load()
            complete = True
        except UnidentifiedImageError:
            complete = True  # not a PIL format: left to the decoder
        except (OSError, SyntaxError):
            complete = False
    if not complete:
        raise ValueError(f'Image file is truncated or corrupt: {filename}')


# What the messages of :func:`_read_index_png` call each kind of file and its values.
_INDEX_PNGS = {
    'mask':
    dict(
        name='Mask',
        channels='a single-channel index map',
        values='class indices',
        value_range=': an index map holds 0-255 (255 ignored)',
        allow_bool=True),
    'saliency map':
    dict(
        name='Saliency map',
        channels='a single-channel (grey) image',
        values='0-255 grey levels',
        value_range=', not 0-255',
        allow_bool=False),
}


def _read_index_png(filename: str,
                    what: str,
                    backend_args: Optional[dict] = None) -> np.ndarray:
    """Read a single-channel PNG of 0-255 values as uint8 [H, W].

    The one reader of label and saliency PNGs: the file is read at its own bit
    depth, and a missing, undecodable or multi-channel file or values outside
    0-255 (a 16-bit map is neither wrapped nor rescaled) are errors naming it.

    Args:
        filename (str): The PNG.
        what (str): A key of ``_INDEX_PNGS`` (``'mask'``, ``'saliency map'``),
            for the messages and whether bool images pass.
        backend_args (dict, optional): mmengine file backend arguments.
            Defaults to None.
    """
    kind = _INDEX_PNGS[what]
    name = kind['name']
    try:
        img_bytes = fileio.get(filename, backend_args=backend_args)
    except FileNotFoundError as e:
        raise FileNotFoundError(f'{name} not found: {filename}') from e
    try:
        img = mmcv.imfrombytes(img_bytes, flag='unchanged', backend='pillow')
    except Exception as e:  # PIL raises several types on bad data
        raise ValueError(f'Cannot read {what} {filename}: {e}') from e
    if img is None or (img.ndim != 2 and img.shape[-1] != 1):
        raise ValueError(f'{name} {filename} is not {kind["channels"]}')
    img = img.reshape(img.shape[:2])
    if img.dtype == np.bool_ and kind['allow_bool']:
        return img.astype(np.uint8)
    if img.dtype == np.bool_ or not np.issubdtype(img.dtype, np.integer):
        raise ValueError(
            f'{name} {filename} holds {img.dtype} values, not {kind["values"]}')
    if img.size and (img.min() < 0 or img.max() > 255):
        raise ValueError(
            f'{name} {filename} ({img.dtype}) holds values from {int(img.min())} '
            f'to {int(img.max())}{kind["value_range"]}')
    return img.astype(np.uint8)


def read_index_map(filename: str,
                   backend_args: Optional[dict] = None) -> np.ndarray:
    """Read a label PNG (palette or grey) as a uint8 index map [H, W].

    The file is read at its own bit depth: a 16-bit map with values above 255 is an
    error naming the file (not wrapped to ``value % 256``).
    """
    return _read_index_png(filename, 'mask', backend_args)


def check_mask_classes(mask: np.ndarray, num_classes: int, filename: str) -> None:
    """Raise ``ValueError`` naming the file for values that are no class.

    Args:
        mask (np.ndarray): Class map, 0 background, 1..num_classes foreground.
        num_classes (int): Number of foreground classes.
        filename (str): The mask's file, for the message.
    """
    bad = np.setdiff1d(np.unique(mask), [*range(num_classes + 1), 255])
    if bad.size:
        raise ValueError(
            f'Mask {filename} holds value(s) {bad.tolist()} outside the classes '
            f'0-{num_classes} (255 ignored)')


def check_mask_size(mask: np.ndarray, results: dict, filename: str) -> None:
    """Raise ``ValueError`` naming both files when a mask and its image differ."""
    shape = results['img'].shape[:2] if 'img' in results else results.get(
        'ori_shape')
    if shape is not None and tuple(mask.shape[:2]) != tuple(shape[:2]):
        raise ValueError(f'Mask {filename} has size {tuple(mask.shape[:2])} but '
                         f'its image {results.get("img_path")} has '
                         f'{tuple(shape[:2])}')


@TRANSFORMS.register_module()
class LoadImageFromFileChecked(LoadImageFromFile):
    """mmcv's ``LoadImageFromFile`` that raises an error naming the file for a
    missing, unreadable or truncated image.

    Required keys: ``img_path``. Added keys: ``img``, ``img_shape``, ``ori_shape``.

    Args:
        check_truncated (bool): Check that the file is complete (cv2 silently
            decodes truncated JPEGs). Defaults to True.
        **kwargs: Arguments of mmcv's ``LoadImageFromFile``.
    """

    def __init__(self, check_truncated: bool = True, **kwargs) -> None:
        if kwargs.get('ignore_empty'):
            raise ValueError('LoadImageFromFileChecked does not ignore bad '
                             'images; use LoadImageFromFile for that')
        super().__init__(**kwargs)
        self.check_truncated = check_truncated

    def transform(self, results: dict) -> dict:
        filename = results['img_path']
        try:
            img_bytes = fileio.get(filename, backend_args=self.backend_args)
        except FileNotFoundError as e:
            raise FileNotFoundError(f'Image not found: {filename}') from e
        if self.check_truncated:
            check_image_complete(img_bytes, filename)
        try:
            img = mmcv.imfrombytes(
                img_bytes, flag=self.color_type, backend=self.imdecode_backend)
        except Exception as e:  # PIL raises several types on bad data
            raise ValueError(f'Cannot decode image {filename}: {e}') from e
        if img is None:
            raise ValueError(f'Cannot decode image {filename}')
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (super().__repr__()[:-1] +
                f', check_truncated={self.check_truncated})')


@TRANSFORMS.register_module()
class LoadWSSSAnnotations(BaseTransform):
    """Load whichever masks a data info lists; all are optional.

    - ``seg_map_path`` -> ``gt_seg_map`` (uint8 [H, W], 0 background, c + 1 for
      foreground class c, 255 ignored; palette PNGs are read as indices; the
      dataset's ``label_map`` is applied like mmseg's ``LoadAnnotations``).
    - ``ins_map_path`` (VOC ``SegmentationObject``) -> ``gt_masks`` (bool
      [K, H, W]) and ``gt_ins_labels`` (int64 [K], foreground indices); the class of
      an instance is the most frequent class of its pixels in ``seg_map_path``.
      Instance ids 0 (background) and 255 (void) are skipped.
    - ``relation_path`` -> ``gt_relation`` (uint8 [H, W]).

    ``gt_seg_map`` and ``gt_relation`` are added to ``seg_fields``. Every mask must
    have the size of the image (an error names both files); masks are read at their
    bit depth and a class map value that is no class of the dataset (other than 255)
    is an error naming the file.

    Args:
        with_seg (bool): Load ``seg_map_path``. Defaults to True.
        with_ins (bool): Load ``ins_map_path``. Defaults to True.
        with_relation (bool): Load ``relation_path``. Defaults to True.
        backend_args (dict, optional): mmengine file backend arguments.
            Defaults to None.
    """

    def __init__(self,
                 with_seg: bool = True,
                 with_ins: bool = True,
                 with_relation: bool = True,
                 backend_args: Optional[dict] = None) -> None:
        self.with_seg = with_seg
        self.with_ins = with_ins
        self.with_relation = with_relation
        self.backend_args = backend_args

    def _read(self, results: dict, key: str) -> np.ndarray:
        mask = read_index_map(results[key], self.backend_args)
        check_mask_size(mask, results, results[key])
        return mask

    def _load_seg(self, results: dict) -> np.ndarray:
        seg = self._read(results, 'seg_map_path')
        label_map = results.get('label_map')
        if label_map:
            mapped = seg.copy()
            for old_id, new_id in label_map.items():
                mapped[seg == old_id] = new_id
            seg = mapped
        if results.get('gt_label') is not None:
            check_mask_classes(seg, len(results['gt_label']),
                               results['seg_map_path'])
        return seg

    def _load_instances(self, results: dict, seg: np.ndarray) -> None:
        obj = self._read(results, 'ins_map_path')
        masks, labels = [], []
        for ins_id in np.unique(obj):
            if ins_id in (0, 255):
                continue
            mask = obj == ins_id
            cls = seg[mask]
            cls = cls[(cls != 0) & (cls != 255)]
            if cls.size == 0:
                continue
            masks.append(mask)
            labels.append(int(np.bincount(cls).argmax()) - 1)
        h, w = obj.shape
        results['gt_masks'] = (
            np.stack(masks) if masks else np.zeros((0, h, w), dtype=bool))
        results['gt_ins_labels'] = np.array(labels, dtype=np.int64)

    def transform(self, results: dict) -> dict:
        results.setdefault('seg_fields', [])
        seg = None
        if self.with_seg and results.get('seg_map_path'):
            seg = self._load_seg(results)
            results['gt_seg_map'] = seg
            if 'gt_seg_map' not in results['seg_fields']:
                results['seg_fields'].append('gt_seg_map')
        if self.with_ins and results.get('ins_map_path'):
            if seg is None:
                if not results.get('seg_map_path'):
                    raise ValueError(
                        f'Instance map {results["ins_map_path"]} needs the class '
                        'map (seg_map_path) to tell the class of each instance')
                seg = self._load_seg(results)
            self._load_instances(results, seg)
        if self.with_relation and results.get('relation_path'):
            results['gt_relation'] = self._read(results, 'relation_path')
            if 'gt_relation' not in results['seg_fields']:
                results['seg_fields'].append('gt_relation')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(with_seg={self.with_seg}, '
                f'with_ins={self.with_ins}, '
                f'with_relation={self.with_relation})')


@TRANSFORMS.register_module()
class LoadCOCOInstances(BaseTransform):
    """Decode the COCO annotations of a data info into masks.

    Needs a :class:`COCOClsDataset` built with ``with_masks=True`` (keys
    ``instances``, ``height``, ``width``). Polygons, uncompressed and compressed RLE
    are decoded with pycocotools. Adds ``gt_masks`` (bool [K, H, W]) and
    ``gt_ins_labels`` (int64 [K]) for the non-crowd annotations and, with
    ``with_seg``, ``gt_seg_map``: 0 background, c + 1 where an instance of class c
    lies (smaller instances drawn over larger ones), 255 over crowd regions not
    covered by an instance.

    Args:
        with_seg (bool): Also derive ``gt_seg_map``. Defaults to True.
    """

    def __init__(self, with_seg: bool = True) -> None:
        self.with_seg = with_seg

    @staticmethod
    def _decode(segm, h: int, w: int) -> np.ndarray:
        from pycocotools import mask as mask_utils
        if isinstance(segm, list):
            rle = mask_utils.merge(mask_utils.frPyObjects(segm, h, w))
        elif isinstance(segm.get('counts'), list):
            rle = mask_utils.frPyObjects(segm, h, w)
        else:
            rle = segm
        return mask_utils.decode(rle).astype(bool)

    def transform(self, results: dict) -> dict:
        h, w = results['height'], results['width']
        source = results.get('ann_file', 'the annotation JSON')
        if 'img' in results and tuple(results['img'].shape[:2]) != (h, w):
            raise ValueError(
                f'Image {results.get("img_id")} has size ({h}, {w}) in {source} '
                f'but {results["img_path"]} is '
                f'{tuple(results["img"].shape[:2])}')
        masks, labels, crowd = [], [], np.zeros((h, w), dtype=bool)
        for ann in results['instances']:
            try:
                mask = self._decode(ann['segmentation'], h, w)
            except Exception as e:  # pycocotools raises bare exceptions
                raise ValueError(f'Cannot decode a mask of image '
                                 f'{results.get("img_id")} in {source}: '
                                 f'{e}') from e
            if mask.shape != (h, w):
                raise ValueError(f'A mask of image {results.get("img_id")} in '
                                 f'{source} has size {mask.shape}, not {(h, w)}')
            if ann['iscrowd']:
                crowd |= mask
            else:
                masks.append(mask)
                labels.append(ann['label'])
        results['gt_masks'] = (
            np.stack(masks) if masks else np.zeros((0, h, w), dtype=bool))
        results['gt_ins_labels'] = np.array(labels, dtype=np.int64)
        if self.with_seg:
            seg = np.zeros((h, w), dtype=np.uint8)
            seg[crowd] = 255
            for i in np.argsort([-m.sum() for m in masks], kind='stable'):
                seg[masks[i]] = labels[i] + 1
            results['gt_seg_map'] = seg
            results.setdefault('seg_fields', [])
            if 'gt_seg_map' not in results['seg_fields']:
                results['seg_fields'].append('gt_seg_map')
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(with_seg={self.with_seg})'


@TRANSFORMS.register_module()
class LoadCAMs(BaseTransform):
    """Load an image's stored CAMs (``results['cam_path']``) into the results.

    The one reader of CAM files: the datasets list ``cam_path``
    (``<data_prefix.cam_path>/<img_id>.npz``) and every consumer (labellers,
    mining tools, visualisers) gets the CAMs through this transform. The file is
    validated by :func:`mmirn.pseudo.cam_io.load_cams` against the image size
    (``ori_shape``, or ``img_shape`` before any resize) and the classes.

    Added keys (packed by ``PackWSSSInputs`` as ``cams`` and ``cams_strided``):

    - ``cams`` (float32 [K, H, W]): full-resolution CAMs (stride 1).
    - ``cams_strided`` (float32 [K, ceil(H / s), ceil(W / s)]): the stride-``s``
      CAMs (``s`` = ``cam_stride``, 4).
    - ``cam_keys`` (int64 [K]): their foreground class indices.
    - ``cam_stride`` (int): the stride of ``cams_strided``.

    Args:
        with_high_res (bool): Also load the full-resolution maps. Defaults to
            True.
        num_classes (int, optional): Foreground classes the keys index, for the
            check; None takes ``len(results['gt_label'])`` when present.
            Defaults to None.
    """

    stride = 4

    def __init__(self,
                 with_high_res: bool = True,
                 num_classes: Optional[int] = None) -> None:
        self.with_high_res = with_high_res
        self.num_classes = num_classes

    def transform(self, results: dict) -> dict:
        from mmirn.pseudo.cam_io import load_cams
        if 'cam_path' not in results:
            raise KeyError(
                'LoadCAMs needs `cam_path` in the data info: set '
                '`data_prefix.cam_path` of the dataset to the CAM folder')
        num_classes = self.num_classes
        if num_classes is None and results.get('gt_label') is not None:
            num_classes = len(results['gt_label'])
        shape = results.get('ori_shape') or results.get('img_shape')
        data = load_cams(results['cam_path'], img_shape=shape,
                         num_classes=num_classes)
        results['cam_keys'] = data['keys'].astype(np.int64)
        results['cams_strided'] = data['cam'].astype(np.float32)
        results['cam_stride'] = self.stride
        if self.with_high_res:
            results['cams'] = data['high_res'].astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(with_high_res={self.with_high_res}, '
                f'num_classes={self.num_classes})')


def read_saliency(filename: str,
                  shape=None,
                  backend_args: Optional[dict] = None) -> np.ndarray:
    """Read a saliency PNG (grey, 0-255) as uint8 [H, W] at its own bit depth.

    The one reader of saliency maps (:class:`LoadSaliency` and
    :class:`~mmirn.models.labelers.SaliencyCAMLabeler`). A missing, undecodable or
    multi-channel file, values outside 0-255 (a 16-bit map is not rescaled) and,
    with ``shape``, a size other than the image's are errors naming the file.

    Args:
        filename (str): The saliency map.
        shape (tuple, optional): (H, W) of its image. Defaults to None.
        backend_args (dict, optional): mmengine file backend arguments.
            Defaults to None.
    """
    sal = _read_index_png(filename, 'saliency map', backend_args)
    if shape is not None and tuple(sal.shape) != tuple(shape[:2]):
        raise ValueError(f'Saliency map {filename} has size {tuple(sal.shape)} '
                         f'but its image has {tuple(shape[:2])}')
    return sal


@TRANSFORMS.register_module()
class LoadSaliency(BaseTransform):
    """Load an image's saliency map (``results['saliency_path']``).

    The datasets list ``saliency_path`` (``<data_prefix.saliency_path>/<id>.png``)
    when the prefix is set; RCA's released labels take the background from such
    an off-the-shelf saliency map (see
    :class:`~mmirn.models.labelers.SaliencyCAMLabeler`). The map is read by
    :func:`read_saliency` and checked against the image size (``img``, else
    ``ori_shape``).

    Added keys: ``saliency`` (uint8 [H, W], 0-255), also added to
    ``seg_fields`` so that geometric transforms move it with the image.

    Args:
        backend_args (dict, optional): mmengine file backend arguments.
            Defaults to None.
    """

    def __init__(self, backend_args: Optional[dict] = None) -> None:
        self.backend_args = backend_args

    def transform(self, results: dict) -> dict:
        if 'saliency_path' not in results:
            raise KeyError(
                'LoadSaliency needs `saliency_path` in the data info: set '
                '`data_prefix.saliency_path` of the dataset to the saliency folder')
        shape = results['img'].shape[:2] if 'img' in results else results.get(
            'ori_shape')
        results['saliency'] = read_saliency(results['saliency_path'], shape,
                                            self.backend_args)
        results.setdefault('seg_fields', [])
        if 'saliency' not in results['seg_fields']:
            results['seg_fields'].append('saliency')
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(backend_args={self.backend_args})'
