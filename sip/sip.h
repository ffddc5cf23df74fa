/*
 * NAME
 *	sip.h - jubao-sipd, the hotline bridge: what its files share
 * DESCRIPTION
 *	One thread (the su_root loop) owns every call: SIP (sofia-sip nua),
 *	RTP sockets and the 20 ms media tick.  It never touches the store:
 *	a worker thread commits finished calls (evidence, the case and what
 *	it owes, the call ledger: intake_call) and runs the status queries
 *	(lookup_run) so that no lock or fsync holds the loop, and its
 *	results come back through a pipe; the daemon
 *	skeleton's outbox thread claims and records the outbox rows, the
 *	SIP MESSAGE ones (channel "sip") handed to the loop to send, since
 *	only the loop may speak SIP (ua_sms, sip_ua.c).
 *
 *	Files: sip_main.c (its part of the daemon skeleton: runtime, the
 *	worker, signals, the loop), sip_ua.c (nua: admission, INFO,
 *	REGISTER, MESSAGE), sip_sdp.c (offer and answer), sip_media.c (RTP,
 *	G.711, jitter-tolerant recording, RFC 4733), sip_call.c (the call's
 *	state machine, its report, recovery), sip_prompt.c (prompt and WAV
 *	files), sip_sms.c (the outbox's SIP MESSAGE transport), sip_say.h
 *	(numbers and dates as prompts).
 */
#ifndef JUBAO_SIP_H
#define JUBAO_SIP_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "cfg.h"
#include "classify.h"
#include "daemon.h"
#include "lookup.h"
#include "store.h"

#define SIP_RATE	8000	/* G.711 */
#define SIP_PTIME	20	/* ms a packet */
#define SIP_FRAME	160	/* samples a packet */
#define SIP_MAXKEYS	64
#define SIP_QCASE_MAX	20	/* digits kept of a keyed case number (12) */
#define SIP_QPIN_MAX	(LOOKUP_PIN_MAX - 1)	/* of a keyed PIN (6) */
#define SIP_QTRIES	3	/* a query's tries: asked again twice */

/* the prompts, in conf/prompts/zh/NAME.wav (names: sip_prompt.c) */
enum prompt_id {
	PR_GREETING, PR_MENU, PR_RECORD, PR_BEEP, PR_CASENO, PR_PIN,
	PR_REPEAT, PR_GOODBYE, PR_TOOSHORT, PR_FAILED, PR_BUSY,
	PR_DIGIT0,
	/* the status query (sip_query_key) */
	PR_MENU_STAR = PR_DIGIT0 + 10,	/* the menu when the key is '*' */
	PR_Q_CASENO, PR_Q_PIN,		/* "key the case number, then #" */
	PR_Q_DENIED, PR_Q_LIMITED,	/* wrong number or PIN; too many */
	PR_Q_NUMBER,			/* "case number" before its digits */
	PR_Q_DEADLINE, PR_Q_DECIDED,	/* before a date */
	PR_Q_HINT, PR_Q_BYE,		/* how to complain; goodbye */
	PR_TEN, PR_MONTH, PR_DAY,	/* 十, 月, 日: dates */
	/* a status, or the outcome of a finished case (workflow.c) */
	PR_ST_RECEIVED, PR_ST_AWAITING, PR_ST_ACCEPTED, PR_ST_ESCALATED,
	PR_ST_REOPENED, PR_ST_DISPOSED, PR_ST_NOT_ACCEPTED,
	PR_ST_REFUSED_MALICIOUS, PR_ST_TRANSFERRED, PR_ST_CLOSED,
	PR_N
};

struct prompt {
	int16_t		*pcm;
	size_t		 n;	/* samples, a multiple of SIP_FRAME */
	uint8_t		*ulaw;	/* n bytes each, encoded once at load */
	uint8_t		*alaw;
};

struct prompts {
	struct prompt	 p[PR_N];
};

/* a runtime's own part (daemon.h): the prompts; calls keep theirs */
#define RT_PROMPTS(rt)	((struct prompts *)(rt)->own)

enum call_state {
	CS_NEW,		/* INVITE answered, waiting for the ACK */
	CS_GREETING,	/* greeting and menu playing, keys taken */
	CS_MENU,	/* menu played, waiting sip_menu_timeout for a key */
	CS_QUERY,	/* the query key: case number or PIN being keyed */
	CS_LOOKUP,	/* the worker runs the query (lookup_run) */
	CS_PROMPT,	/* "speak after the tone", then the tone */
	CS_RECORD,	/* recording */
	CS_COMMIT,	/* the worker commits the case */
	CS_READBACK,	/* case number and PIN read back, any key repeats */
	CS_BYE,		/* goodbye playing, then BYE */
	CS_DONE		/* the dialog is over; freed when nothing refers to it */
};

/* per-SSRC timestamp mapping of the recording (RFC 3550 §5.1) */
struct rec_src {
	uint32_t	 ssrc;
	uint32_t	 ref_ts;
	int64_t		 ref_pos;
	int		 used;
};

/* what a nua handle is bound to: a call, the registration, an SMS */
enum { UA_CALL = 1, UA_REG, UA_MSG };

struct call {
	int		 ua_kind;	/* first: what a nua handle is bound to */
	struct call	*next;
	struct runtime	*rt;
	void		*nh;		/* nua_handle_t */
	char		*call_id;
	char		 tag[STORE_CALL_TAG];	/* "call-" + a keyed hash of the
					 * Call-ID, which often holds the
					 * caller's host: log lines and the
					 * store name a call by it */
	enum call_state	 state;
	int		 refs;		/* the dialog, and a pending commit */
	int		 hungup;	/* the caller is gone */
	int		 bye_sent;
	time_t		 started;	/* wall clock, for the case */
	int64_t		 started_ms;	/* monotonic */
	int64_t		 state_ms;	/* when the state began */
	int64_t		 deadline_ms;	/* sip_max_call_length */
	/* who called: kept for the case, never logged */
	char		*from_name;
	char		*from_number;
	char		*pai_number;
	char		*pai_name;
	char		 peer[64];	/* signalling source address */
	int		 trusted;	/* peer is in sip_trusted_peers */
	/* keys */
	char		 keys[SIP_MAXKEYS + 1];
	const struct category *cat;
	int		 menu_tries;
	int		 readbacks;
	const char	*last_reason;	/* why the dialog ended (a BYE, ...) */
	/* SDP */
	unsigned long	 sdp_version;
	unsigned long	 sdp_session;
	char		*sdp_sent;	/* what followed o= in our last SDP */
	int		 mode_send, mode_recv;
	/* RTP */
	int		 fd;
	int		 reg;		/* su_root registration of fd */
	int		 port;
	struct sockaddr_in remote;	/* from SDP, then latched */
	struct sockaddr_in sdp_remote;	/* what the last SDP said */
	int		 remote_ok;
	int		 latched;
	struct in_addr	 sig_addr;	/* RTP comes from here unless configured */
	int		 pt;		/* what we send: 0 PCMU, 8 PCMA */
	int		 te_pt;		/* telephone-event, -1 none */
	uint32_t	 tx_ssrc, tx_ts;
	uint16_t	 tx_seq;
	int64_t		 tx_next_ms;
	int		 tx_marker;
	/* prompt queue */
	int		 q[96];
	int		 qn, qi;
	size_t		 qoff;
	int64_t		 play_done_ms;	/* when the queue ran dry */
	/* RFC 4733 de-duplication */
	uint32_t	 dt_ssrc, dt_ts;
	int		 dt_event;
	int64_t		 dt_last_ms;
	/* recording */
	char		*rec_path;	/* .wav.part while recording */
	char		*meta_path;
	int		 rec_fd;
	int64_t		 rec_start_ms;
	int64_t		 rec_end;	/* samples: the highest written + 1 */
	int64_t		 last_voice_ms;
	struct rec_src	 src[4];
	long		 pkts_in, pkts_bad, pkts_foreign, pkts_late;
	long		 bad_kind[4];	/* per reason, to rate-limit log lines */
	/* results */
	char		 case_no[CASENO_MAX];
	char		 pin[PIN_LEN + 1];
	char		 end_reason[32];
	time_t		 ended;
	long		 recorded_ms;
	int		 interrupted;	/* recovered after a crash */
	int		 committing;	/* handed to the worker */
	int		 kept;		/* its commit failed and the worker
					 * tries it again: the worker reads
					 * it, the loop may no longer write */
	/* the status query: what is keyed is never logged nor stored */
	int		 query;		/* the caller pressed sip_query_key */
	int		 q_step;	/* 0: the case number, 1: the PIN */
	int		 q_tries;	/* wrong or missing entries so far */
	int		 q_logged;	/* its ledger row is submitted */
	int		 q_lookup;	/* handed to the worker: lookup_run
					 * reads q_case and q_pin, writes q_res,
					 * which the loop reads after the pipe */
	int64_t		 q_key_ms;	/* the last key, or the prompt's start */
	char		 q_case[SIP_QCASE_MAX + 1];
	char		 q_pin[SIP_QPIN_MAX + 1];
	struct lookup_result q_res;
};

/* sip_main.c */
int64_t		 now_ms(void);
void		 commit_submit(struct call *);

/* sip_prompt.c */
struct prompts	*prompts_load(const char *dir, buf *err);
void		 prompts_free(struct prompts *);
int		 wav_header(int fd, uint32_t data_bytes);
int		 wav_fixup(int fd, off_t *data_bytes);

/* sip_media.c */
uint8_t		 g711_ulaw(int16_t);
uint8_t		 g711_alaw(int16_t);
int16_t		 g711_ulaw_dec(uint8_t);
int16_t		 g711_alaw_dec(uint8_t);
int		 rtp_open(struct call *, const struct cfg *, const char *addr);
void		 rtp_close(struct call *);
void		 rtp_readable(struct call *);
void		 rtp_tick(struct call *, int64_t now);
void		 rtp_play(struct call *, int prompt);
void		 rtp_play_digits(struct call *, const char *digits);
void		 rtp_stop_playing(struct call *);
int		 rtp_playing(const struct call *);
int		 rec_start(struct call *);
void		 rec_stop(struct call *);
int		 rtp_source_allowed(const struct call *, struct in_addr);
int		 rtp_dest_listed(const struct call *, struct in_addr);

/* sip_call.c */
void		 call_start(struct call *);
void		 call_digit(struct call *, int key, const char *how);
void		 call_tick(struct call *, int64_t now);
void		 call_hangup(struct call *, const char *why);
void		 call_gone(struct call *, const char *why);
void		 call_committed(struct call *, int ok, int too_short);
void		 call_unref(struct call *);
void		 call_free_new(struct call *);
int		 call_commit(struct call *, struct runtime *, struct store *,
		    int *too_short);
int		 call_lookup(struct call *, struct runtime *, struct store *);
int		 recover_recordings(struct runtime *);
struct call	*call_list(void);
int		 call_count(void);
void		 call_link(struct call *);

/* sip_ua.c */
int		 ua_init(struct runtime *, void *root);
void		 ua_shutdown(void);
void		 ua_shutting_down(void);
void		 ua_destroy(void);
void		 ua_media_detach(struct call *);
void		 ua_bye(struct call *);
void		 ua_drop(struct call *);
int		 dtmf_from_info(const char *ctype, const char *body);
int		 ua_message(const char *to, const char *text, void *magic);

/* sip_sdp.c */
int		 sdp_offer(struct call *, const char *body, size_t len,
		    int answer_only, const char **why);
char		*sdp_answer(struct call *, const char *addr, int offer);

/* sip_sms.c */
void		 sms_init(void *root);
void		 sms_answered(void *req, int status, const char *phrase);
extern const struct outbox_transport ua_sms;

#endif
