// zlib, for inflating the parts of an .xlsx workbook (EHCSync's ZipArchive).
#include <zlib.h>
