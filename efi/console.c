/* SPDX-License-Identifier: MIT */
/*
 * Console: ConOut while boot services run; on x86-64 COM1 always (tests
 * read the serial port).  When the firmware already mirrors ConOut to a
 * serial terminal (OVMF and AAVMF do), COM1 is written directly only after
 * ExitBootServices, so each line appears once.  arm64 has no port of its
 * own (EFI_OWN_SERIAL): ConOut only.
 */
#include "efi_fe.h"
#include "../loader/log.h"

static EFI_GUID text_out_guid = EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL_GUID;
static EFI_GUID devpath_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;

/* Does this device path end in (or pass through) a UART node? */
static bool path_has_uart(EFI_DEVICE_PATH_PROTOCOL *p)
{
	for (int i = 0; p && i < 64; i++) {
		UINT16 len = (UINT16)(p->Length[0] | p->Length[1] << 8);
		if (p->Type == END_DEVICE_PATH_TYPE || len < sizeof(*p))
			return false;
		if (p->Type == MESSAGING_DEVICE_PATH && p->SubType == MSG_UART_DP)
			return true;
		p = (EFI_DEVICE_PATH_PROTOCOL *)((UINT8 *)p + len);
	}
	return false;
}

static bool firmware_has_serial_console(EFI_BOOT_SERVICES *bs)
{
	EFI_HANDLE *h = NULL;
	UINTN n = 0;
	bool found = false;

	if (EFI_ERROR(bs->LocateHandleBuffer(ByProtocol, &text_out_guid, NULL, &n, &h)))
		return false;
	for (UINTN i = 0; i < n && !found; i++) {
		EFI_DEVICE_PATH_PROTOCOL *dp = NULL;
		if (!EFI_ERROR(bs->HandleProtocol(h[i], &devpath_guid, (void **)&dp)))
			found = path_has_uart(dp);
	}
	bs->FreePool(h);
	return found;
}

void efi_console_init(struct efi_ctx *c)
{
	c->fw_serial = firmware_has_serial_console(c->bs);
#if EFI_OWN_SERIAL
	if (!c->fw_serial)
		efi_serial_init();
#endif
}

static void conout_write(struct efi_ctx *c, const char *s, size_t n)
{
	CHAR16 buf[130];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n')
			buf[k++] = '\r';
		buf[k++] = ch < 0x80 ? ch : '?';
		if (k >= 128 || i + 1 == n) {
			buf[k] = 0;
			c->st->ConOut->OutputString(c->st->ConOut, buf);
			k = 0;
		}
	}
}

void efi_console_write(void *ctx, const char *s, size_t n)
{
	struct efi_ctx *c = ctx;

	if (!c->ebs_called && c->st->ConOut)
		conout_write(c, s, n);
#if EFI_OWN_SERIAL
	if (c->ebs_called || !c->fw_serial) {
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '\n')
				efi_serial_putc('\r');
			efi_serial_putc(s[i]);
		}
	}
#endif
}

const char *efi_status_str(EFI_STATUS s)
{
	switch (s) {
	case EFI_NOT_FOUND: return "not found";
	case EFI_ACCESS_DENIED: return "access denied";
	case EFI_OUT_OF_RESOURCES: return "out of resources";
	case EFI_VOLUME_CORRUPTED: return "volume corrupted";
	case EFI_DEVICE_ERROR: return "device error";
	case EFI_INVALID_PARAMETER: return "invalid parameter";
	case EFI_UNSUPPORTED: return "unsupported";
	case EFI_BUFFER_TOO_SMALL: return "buffer too small";
	case EFI_NO_MEDIA: return "no media";
	case EFI_MEDIA_CHANGED: return "media changed";
	case EFI_NOT_READY: return "not ready";
	case EFI_LOAD_ERROR: return "load error";
	case EFI_BAD_BUFFER_SIZE: return "bad buffer size";
	case EFI_WRITE_PROTECTED: return "write protected";
	case EFI_VOLUME_FULL: return "volume full";
	case EFI_FE_IS_DIRECTORY: return "is a directory";
	default: return "firmware error";
	}
}

void efi_error(const char *file, const char *what, const char *detail, enum ldr_err err)
{
	log_printf("error: %s: %s: %s [%s]\n", file, what, detail, ldr_errname(err));
}
