/* SPDX-License-Identifier: MIT */
/*
 * Files on the volume aslrboot was loaded from (LoadedImage->DeviceHandle
 * -> SimpleFileSystem).  Each file is read once, whole, into loader pages;
 * the core validates those bytes and nothing reads the file again.
 */
#include "efi_fe.h"

#define READ_CHUNK (UINT64_C(4) << 20) /* some FAT drivers dislike huge reads */

static EFI_GUID sfs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID info_guid = EFI_FILE_INFO_ID;

/* ASCII path -> UCS-2, '/' accepted as a separator. */
static bool path16(const char *path, CHAR16 *out, size_t cap)
{
	size_t i;

	for (i = 0; path[i]; i++) {
		if (i + 1 >= cap || (unsigned char)path[i] >= 0x80)
			return false;
		out[i] = path[i] == '/' ? '\\' : (CHAR16)path[i];
	}
	out[i] = 0;
	return i > 0;
}

static EFI_STATUS open_attr(struct efi_ctx *c, const char *path, UINT64 mode, UINT64 attr,
			    EFI_FILE_HANDLE *f)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_FILE_HANDLE root;
	CHAR16 name[CONFIG_MAX_PATH + 1];
	EFI_STATUS s;

	if (!path16(path, name, sizeof(name) / sizeof(name[0])))
		return EFI_INVALID_PARAMETER;
	s = c->bs->HandleProtocol(c->li->DeviceHandle, &sfs_guid, (void **)&fs);
	if (EFI_ERROR(s))
		return s;
	s = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(s))
		return s;
	s = root->Open(root, f, name, mode, attr);
	root->Close(root);
	return s;
}

EFI_STATUS efi_file_open(struct efi_ctx *c, const char *path, UINT64 mode, EFI_FILE_HANDLE *f)
{
	return open_attr(c, path, mode, 0, f);
}

/* Open for writing, creating it (a directory if `attr` says so) if absent. */
EFI_STATUS efi_file_create(struct efi_ctx *c, const char *path, UINT64 attr, EFI_FILE_HANDLE *f)
{
	return open_attr(c, path, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE,
			 attr, f);
}

static union {
	EFI_FILE_INFO info;
	UINT8 raw[__builtin_offsetof(EFI_FILE_INFO, FileName) + 2 * (CONFIG_MAX_PATH + 1)];
} file_info;

static EFI_STATUS file_size(EFI_FILE_HANDLE f, uint64_t *size)
{
	UINTN n = sizeof(file_info);
	EFI_STATUS s = f->GetInfo(f, &info_guid, &n, &file_info);

	if (EFI_ERROR(s))
		return s;
	if (file_info.info.Attribute & EFI_FILE_DIRECTORY)
		return EFI_FE_IS_DIRECTORY;
	*size = file_info.info.FileSize;
	return EFI_SUCCESS;
}

/* True if `f` is a regular file of `size` bytes (checks what an open with
 * EFI_FILE_MODE_CREATE gave: it also opens what exists already). */
bool efi_file_is(EFI_FILE_HANDLE f, uint64_t size)
{
	uint64_t n;

	return !EFI_ERROR(file_size(f, &n)) && n == size;
}

/* Replace the contents of an open file with `len` bytes and flush. */
EFI_STATUS efi_file_rewrite(EFI_FILE_HANDLE f, const void *data, uint64_t len)
{
	UINTN n = len, isz = sizeof(file_info);
	EFI_STATUS s = f->SetPosition(f, 0);

	if (!EFI_ERROR(s))
		s = f->Write(f, &n, (void *)data);
	if (!EFI_ERROR(s) && n != len)
		s = EFI_DEVICE_ERROR;
	if (!EFI_ERROR(s))
		s = f->GetInfo(f, &info_guid, &isz, &file_info);
	if (!EFI_ERROR(s) && file_info.info.FileSize != len) {
		file_info.info.FileSize = len;
		s = f->SetInfo(f, &info_guid, isz, &file_info);
	}
	if (!EFI_ERROR(s))
		s = f->Flush(f);
	return s;
}

static EFI_STATUS read_all(EFI_FILE_HANDLE f, uint8_t *buf, uint64_t size)
{
	uint64_t done = 0;

	while (done < size) {
		UINTN n = size - done < READ_CHUNK ? size - done : READ_CHUNK;
		EFI_STATUS s = f->Read(f, &n, buf + done);
		if (EFI_ERROR(s))
			return s;
		if (n == 0)
			return EFI_END_OF_FILE; /* shorter than GetInfo said */
		done += n;
	}
	return EFI_SUCCESS;
}

/*
 * Read `path` whole into fresh pages.  EFI_BAD_BUFFER_SIZE if it is larger
 * than `max`, EFI_FE_IS_DIRECTORY if it is a directory; an empty file gives
 * *data = NULL, *size = 0.
 */
EFI_STATUS efi_file_read(struct efi_ctx *c, const char *path, uint64_t max, void **data,
			 uint64_t *size)
{
	EFI_FILE_HANDLE f;
	EFI_PHYSICAL_ADDRESS pa = 0;
	EFI_STATUS s;

	*data = NULL;
	*size = 0;
	s = efi_file_open(c, path, EFI_FILE_MODE_READ, &f);
	if (EFI_ERROR(s))
		return s;
	s = file_size(f, size);
	if (!EFI_ERROR(s) && *size > max)
		s = EFI_BAD_BUFFER_SIZE;
	if (!EFI_ERROR(s) && *size)
		s = efi_alloc_pages(c, AllocateAnyPages,
				    (UINTN)((*size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE), &pa);
	if (!EFI_ERROR(s) && *size)
		s = read_all(f, (uint8_t *)(uintptr_t)pa, *size);
	f->Close(f);
	if (!EFI_ERROR(s))
		*data = (void *)(uintptr_t)pa;
	return s;
}
