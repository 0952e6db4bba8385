"""The data-product catalog: descriptors and contracts, contract tests, search and overlap."""

from pairlab.catalog.descriptor import (
    DESCRIPTOR_FILE,
    DataProduct,
    DescriptorError,
    Problem,
    Product,
    load_product,
    validate_product,
)
from pairlab.catalog.index import Catalog, Entry, default_roots, load_catalog

__all__ = [
    "DESCRIPTOR_FILE",
    "Catalog",
    "DataProduct",
    "DescriptorError",
    "Entry",
    "Problem",
    "Product",
    "default_roots",
    "load_catalog",
    "load_product",
    "validate_product",
]
