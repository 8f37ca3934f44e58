package dev.vigil.alerts;

import dev.vigil.config.AlertSpec;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Date;
import java.util.Properties;
import java.util.TreeMap;

/**
 * {@code kind: smtp}: one mail per event to all recipients, through Jakarta Mail (Angus Mail). With
 * {@code starttls: true} the connection must be upgraded to TLS before anything is sent (the
 * server's certificate checked against the JVM's trust store and the host name); with a user,
 * AUTH is used with the password read from {@code password_file} at each send. Every socket
 * operation is bounded by the alert's timeout.
 */
final class SmtpSender implements AlertSender {

    @Override
    public void send(AlertSpec spec, Delivery d) throws AlertFailure {
        AlertSpec.Smtp smtp = spec.smtp().orElseThrow();
        String timeoutMs = Long.toString(Math.max(1, spec.timeout().toMillis()));
        var props = new Properties();
        props.put("mail.smtp.host", smtp.host());
        props.put("mail.smtp.port", Integer.toString(smtp.port()));
        props.put("mail.smtp.connectiontimeout", timeoutMs);
        props.put("mail.smtp.timeout", timeoutMs);
        props.put("mail.smtp.writetimeout", timeoutMs);
        props.put("mail.smtp.from", smtp.from());
        if (smtp.starttls()) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
            props.put("mail.smtp.ssl.checkserveridentity", "true");
            if (smtp.caFile().isPresent()) {
                props.put("mail.smtp.ssl.socketFactory", TrustedCertificates.socketFactory(smtp.caFile().get()));
            }
        }
        Authenticator auth = null;
        if (smtp.user().isPresent()) {
            String password;
            try {
                password = Files.readString(smtp.passwordFile().orElseThrow(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new AlertFailure("cannot read the smtp password_file " + smtp.passwordFile().get() + ": "
                        + e.getMessage(), false);
            }
            props.put("mail.smtp.auth", "true");
            String user = smtp.user().get();
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, password);
                }
            };
        }
        try {
            var message = new MimeMessage(Session.getInstance(props, auth));
            message.setFrom(new InternetAddress(smtp.from()));
            for (String to : spec.recipients()) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            message.setSentDate(Date.from(d.event().at()));
            message.setSubject(subject(d), "UTF-8");
            message.setText(body(d), "UTF-8");
            Transport.send(message);
        } catch (MessagingException e) {
            boolean timedOut = e.getCause() instanceof java.net.SocketTimeoutException;
            throw new AlertFailure("mail to " + spec.recipients() + " via " + smtp.host() + ":" + smtp.port()
                    + " failed: " + describe(e), timedOut);
        }
    }

    static String subject(Delivery d) {
        return "[vigil " + d.cluster() + "] " + d.event().topic().configName() + ": " + d.event().message();
    }

    static String body(Delivery d) {
        var e = d.event();
        var text = new StringBuilder();
        text.append(e.message()).append("\n\n");
        text.append("event:    ").append(e.topic().configName()).append('\n');
        text.append("time:     ").append(e.at()).append('\n');
        text.append("cluster:  ").append(d.cluster()).append('\n');
        text.append("sent by:  ").append(d.sender()).append(" (alert sequence ").append(d.sequence()).append(")\n");
        if (e.node() != null) text.append("node:     ").append(e.node()).append('\n');
        if (e.resource() != null) text.append("resource: ").append(e.resource()).append('\n');
        if (e.task() != null) text.append("task:     ").append(e.task()).append(" (rc ").append(e.rc()).append(")\n");
        new TreeMap<>(e.details()).forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
        return text.toString();
    }

    private static String describe(MessagingException e) {
        String s = e.getMessage();
        Throwable cause = e.getCause();
        return cause == null || cause.getMessage() == null ? s : s + " (" + cause.getMessage() + ")";
    }
}
