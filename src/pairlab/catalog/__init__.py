"""The data-product catalog: descriptors (dataproduct.yaml + ODCS contracts) and contract tests."""

from pairlab.catalog.descriptor import (
    DESCRIPTOR_FILE,
    DataProduct,
    DescriptorError,
    Problem,
    Product,
    load_product,
    validate_product,
)

__all__ = [
    "DESCRIPTOR_FILE",
    "DataProduct",
    "DescriptorError",
    "Problem",
    "Product",
    "load_product",
    "validate_product",
]
