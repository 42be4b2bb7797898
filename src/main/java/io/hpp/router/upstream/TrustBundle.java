package io.hpp.router.upstream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS that trusts the JDK's certificate authorities and those of a PEM bundle (a private CA, a corporate TLS-inspecting
 * proxy's). One trust store holds both, so the JDK's own PKIX validation, and the hostname check the connection asks
 * for, apply to every chain alike.
 */
final class TrustBundle {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]*?)-----END CERTIFICATE-----");

    private TrustBundle() {
    }

    /** TLS sockets trusting the JDK's CAs and the certificates of {@code pemFile}. */
    static SSLSocketFactory socketFactory(Path pemFile) {
        return socketFactory(trustManager(pemFile));
    }

    static SSLSocketFactory socketFactory(X509TrustManager trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trust}, null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS: " + e.getMessage(), e);
        }
    }

    /** A trust manager whose anchors are the JDK's default ones and those of {@code pemFile}. */
    static X509TrustManager trustManager(Path pemFile) {
        List<X509Certificate> extra = certificates(pemFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : jdkDefault().getAcceptedIssuers()) {
                store.setCertificateEntry("jdk-" + i++, ca);
            }
            for (X509Certificate ca : extra) {
                store.setCertificateEntry("ca-file-" + i++, ca);
            }
            return x509(store);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not build a trust store with " + pemFile + ": " + e.getMessage(), e);
        }
    }

    /** The JDK's default trust: its cacerts, or the {@code javax.net.ssl.trustStore} it was started with. */
    static X509TrustManager jdkDefault() {
        try {
            return x509(null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's default trust store cannot be read: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new NoSuchAlgorithmException("the default TrustManagerFactory offers no X509TrustManager");
    }

    /**
     * The certificates of a PEM file, in order; text around the blocks (the comments of distribution bundles) and
     * other blocks (a private key) are skipped.
     *
     * @throws IllegalArgumentException when the file cannot be read, holds no certificate, or a block is not one
     */
    static List<X509Certificate> certificates(Path pemFile) {
        String text;
        try {
            text = Files.readString(pemFile, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("ca_file " + pemFile + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("ca_file " + pemFile + " cannot be read: " + e.getMessage());
        }
        List<X509Certificate> certs = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            certs.add(certificate(m.group(1), pemFile, certs.size() + 1));
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("ca_file " + pemFile
                    + " holds no PEM certificate (expected one or more -----BEGIN CERTIFICATE----- blocks)");
        }
        return certs;
    }

    private static X509Certificate certificate(String base64, Path pemFile, int n) {
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64);
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException e) {
            throw new IllegalArgumentException("ca_file " + pemFile + ": certificate " + n + " is not a valid X.509 certificate");
        }
    }
}
